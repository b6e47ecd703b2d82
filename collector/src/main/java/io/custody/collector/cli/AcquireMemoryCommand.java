package io.custody.collector.cli;

import io.custody.collector.acquire.CaptureReport;
import io.custody.collector.acquire.CaptureRequest;
import io.custody.collector.acquire.MemoryCapture;
import io.custody.collector.aws.AwsSession;
import io.custody.evidence.ByteSize;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.workspace.Case;
import io.custody.lime.LimeFinding;
import io.custody.lime.capture.CaptureMethod;
import io.custody.lime.capture.Transport;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody acquire memory}: LiME (or AVML) over SSM Run Command, streamed through S3 into the case. */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Capture an instance's memory with LiME (or AVML) through SSM Run Command and S3 presigned multipart URLs into the case.",
        "The host needs no credentials and gets nothing on its disk. Exit 0 only when the host's and the workstation's SHA-256 agree",
        "and every System RAM range is captured whole; 4 when the image is kept but incomplete, 1 when the hashes differ."},
    footerHeading = "%nExample:%n",
    footer = "  custody acquire memory --case IR-2026-001 --instance i-0123456789abcdef0 --bucket acme-forensic-capture")
final class AcquireMemoryCommand extends CliCommand {

  @Mixin CaseOption kase;
  @Mixin AwsOptions aws;

  @Option(names = "--instance", required = true, paramLabel = "ID", description = "The instance (i-…), managed by SSM.")
  String instanceId;

  @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "Capture bucket; also holds the module library (lime/).")
  String bucket;

  @Option(names = "--part-size", paramLabel = "SIZE", description = "Bytes per upload part, held in the host's RAM twice (default 16M, grown for large instances).")
  String partSize;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = Times.Span.class,
      description = "Deadline for the host's result: 90s, 30m, 2h (default 1h).")
  Duration timeout;

  @Option(names = "--port", paramLabel = "PORT", description = "LiME's loopback port on the host (default: random in 40000-59999).")
  Integer port;

  @Option(names = "--compress", paramLabel = "none|gzip", description = {"Send the dump gzip-compressed (gzip -1 on the host; less network,",
      "more host CPU). The hashes are over the raw LiME stream either way. Default: none."})
  String compress;

  @Option(names = "--method", paramLabel = "auto|lime|avml", description = {"What reads the memory: lime (the library's module for the host's",
      "kernel), avml (the library's AVML, a userland reader of /proc/kcore), or auto: LiME when there is a module and the",
      "kernel loads it (no lockdown, no signature enforcement), else AVML, the host saying why. Default: auto."})
  String method;

  @Option(names = "--allow-build-on-host", description = {"When the module library has no lime.ko for the host's kernel, let the host compile",
      "LiME (in RAM, with its own headers and compiler) instead of stopping. Changes the evidence host more: off by default."})
  boolean allowBuildOnHost;

  @Option(names = "--poll", paramLabel = "DURATION", converter = Times.Span.class, hidden = true,
      description = "How often to poll SSM and S3 (default 5s).")
  Duration poll;

  @Option(names = "--retry", paramLabel = "N", defaultValue = "0",
      description = {"Capture again, up to N times, when Volatility 3 cannot walk the process list in the image (a smeared",
          "capture, common on busy hosts). Default: ${DEFAULT-VALUE}."})
  int retry;

  @Option(names = "--no-check", description = {"Do not check the capture with Volatility 3 (the check needs the capture's symbol table",
      "and a copy of the image in the case's scratch folder)."})
  boolean noCheck;

  @Override
  protected Output run() {
    if (retry < 0 || retry > 10) {
      throw new io.custody.evidence.InvalidInputException("Failed to parse --retry " + retry + ": expected 0 to 10");
    }
    CaptureRequest req = request();
    Case c = kase.load();
    CaptureReport r = null;
    try (AwsSession session = aws.open(); TerminalProgress bar = TerminalProgress.start("Storing memory of " + instanceId, -1)) {
      for (int attempt = 1; ; attempt++) {
        r = new MemoryCapture(session, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), msg -> System.err.println("custody: " + msg))
            .check(!noCheck, attempt).acquire(c, req, bar);
        if (r.check() == null || !r.check().failed()) {
          break;
        }
        // recorded as partial: the host keeps running, and contain --stop refuses until a capture succeeds
        String why = "Volatility 3 could not walk the process list in the image of " + instanceId + " (" + r.check().reason() + "); item "
            + r.itemId() + " is kept (whole as stored) and the capture is recorded partial in the custody log";
        if (attempt > retry) {
          throw new io.custody.evidence.PartialAcquisitionException("Failed to capture usable memory: " + why
              + "; the host was left running: capture again (--retry N) before isolating or stopping it");
        }
        System.err.println("custody: " + why + "; capturing again (attempt " + (attempt + 1) + " of " + (retry + 1) + ")");
      }
    }
    CaptureReport done = r;
    return Output.ok(done, out -> render(done, out));
  }

  private CaptureRequest request() {
    CaptureRequest req = CaptureRequest.of(new InstanceId(instanceId), bucket).withAllowBuildOnHost(allowBuildOnHost);
    if (partSize != null) {
      req = req.withPartSize(ByteSize.parse(partSize));
    }
    if (timeout != null) {
      req = req.withTimeout(timeout);
    }
    if (poll != null) {
      req = req.withPollInterval(poll);
    }
    if (port != null) {
      req = req.withPort(port);
    }
    if (method != null) {
      req = req.withMethod(CaptureMethod.parse(method));
    }
    return compress == null ? req : req.withTransport(Transport.parse(compress));
  }

  private static void render(CaptureReport r, PrintWriter out) {
    out.println("item        " + r.itemId() + " (memory of " + r.instanceId() + ", " + r.instanceType() + ", " + r.memoryMib() + " MiB)");
    out.println("kernel      " + r.kernelRelease());
    out.println("method      " + r.method() + (r.methodReason() == null || r.methodReason().isEmpty() ? "" : " (" + r.methodReason() + ")"));
    out.println("bytes       " + r.bytes() + " (" + ByteSize.format(r.bytes()) + ") in " + r.parts() + " parts of " + ByteSize.format(r.partSize()));
    out.println("sha256      " + r.workstationSha256() + (r.hashesMatch() ? " (equal to the host's, by " + r.hostHasher() + ")"
        : " (host, by " + r.hostHasher() + ": " + r.hostSha256() + ")"));
    out.println("lime        " + r.inspection().layout().rangeCount() + " ranges, " + (r.inspection().clean() ? "complete" : "findings:"));
    for (LimeFinding f : r.inspection().findings()) {
      out.println("  " + f);
    }
    out.println("s3          " + r.s3Uri());
    if (r.symbolsItem() != null) {
      out.println("symbols     " + r.symbolsItem());
    }
    if (r.check() != null) {
      out.println("check       " + r.check().status() + (r.check().processes() == null ? "" : ", " + r.check().processes() + " processes")
          + (r.check().reason() == null ? "" : " (" + r.check().reason() + ")") + (r.check().attempt() > 1 ? ", attempt " + r.check().attempt() : ""));
    }
    out.printf(Locale.ROOT, "took        %.1f s (%.1f MiB/s)%n", r.seconds(), r.bytes() / 1048576.0 / Math.max(r.seconds(), 0.001));
    r.notes().forEach(n -> out.println("note        " + n));
  }
}
