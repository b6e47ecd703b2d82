package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.internal.Json;
import io.custody.evidence.workspace.Case;
import io.custody.lime.LimeFinding;
import io.custody.lime.capture.CaptureReport;
import io.custody.lime.capture.CaptureRequest;
import io.custody.lime.capture.MemoryCapture;
import io.custody.lime.capture.Transport;
import io.custody.lime.ssm.AwsClients;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody acquire memory}: LiME over SSM Run Command, streamed through S3 into the case. */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Capture an instance's memory with LiME through SSM Run Command and S3 presigned multipart URLs into the case.",
        "The host needs no credentials and gets nothing on its disk. Exit 0 only when the host's and the workstation's SHA-256 agree",
        "and every System RAM range is captured whole; 4 when the image is kept but incomplete, 1 when the hashes differ."})
final class AcquireMemoryCommand implements Callable<Integer> {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})\\s*(s|m|h|d)?", Pattern.CASE_INSENSITIVE);

  @Spec CommandSpec spec;
  @Mixin HomeOption home;
  @Mixin AwsOptions aws;

  @Option(names = "--case", required = true, paramLabel = "CASE", description = "The case that receives the memory item.")
  String caseId;

  @Option(names = "--instance", required = true, paramLabel = "ID", description = "The instance (i-…), managed by SSM.")
  String instanceId;

  @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "Capture bucket; also holds the module library (lime/).")
  String bucket;

  @Option(names = "--part-size", paramLabel = "SIZE", description = "Bytes per upload part, held in the host's RAM twice (default 16M, grown for large instances).")
  String partSize;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Deadline for the host's result: 90s, 30m, 2h (default 1h).")
  String timeout;

  @Option(names = "--port", paramLabel = "PORT", description = "LiME's loopback port on the host (default: random in 40000-59999).")
  Integer port;

  @Option(names = "--compress", paramLabel = "none|gzip", description = {"Send the dump gzip-compressed (gzip -1 on the host; less network,",
      "more host CPU). The hashes are over the raw LiME stream either way. Default: none."})
  String compress;

  @Option(names = "--allow-build-on-host", description = {"When the module library has no lime.ko for the host's kernel, let the host compile",
      "LiME (in RAM, with its own headers and compiler) instead of stopping. Changes the evidence host more: off by default."})
  boolean allowBuildOnHost;

  @Option(names = "--poll", paramLabel = "DURATION", hidden = true, description = "How often to poll SSM and S3 (default 5s).")
  String poll;

  @Option(names = "--json", description = "Print the capture report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Case kase = home.load(caseId);
    CaptureRequest req = CaptureRequest.of(instanceId, bucket);
    if (partSize != null) {
      req = req.withPartSize(ByteSize.parse(partSize));
    }
    if (timeout != null) {
      req = req.withTimeout(duration(timeout, "--timeout"));
    }
    if (poll != null) {
      req = req.withPollInterval(duration(poll, "--poll"));
    }
    if (port != null) {
      req = req.withPort(port);
    }
    req = req.withAllowBuildOnHost(allowBuildOnHost);
    if (compress != null) {
      req = req.withTransport(Transport.parse(compress));
    }
    CaptureReport r;
    try (AwsClients clients = AwsClients.create(aws.region(), aws.profile(), aws.endpoint());
        Progress bar = Progress.start("Storing memory of " + instanceId, -1)) {
      MemoryCapture capture = new MemoryCapture(clients.ssm(), clients.s3(), clients.ec2(), clients.region(), Clock.systemUTC(),
          d -> Thread.sleep(d.toMillis()), msg -> System.err.println("custody: " + msg));
      r = capture.acquire(kase, req, bar);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writeString(r));
    } else {
      out.println("item        " + r.itemId() + " (memory of " + r.instanceId() + ", " + r.instanceType() + ", " + r.memoryMib() + " MiB)");
      out.println("kernel      " + r.kernelRelease());
      out.println("bytes       " + r.bytes() + " (" + ByteSize.format(r.bytes()) + ") in " + r.parts() + " parts of " + ByteSize.format(r.partSize()));
      out.println("sha256      " + r.workstationSha256() + (r.hashesMatch() ? " (equal to the host's, by " + r.hostHasher() + ")"
          : " (host, by " + r.hostHasher() + ": " + r.hostSha256() + ")"));
      out.println("lime        " + r.inspection().layout().rangeCount() + " ranges, " + (r.inspection().clean() ? "complete" : "findings:"));
      for (LimeFinding f : r.inspection().findings()) {
        out.println("  " + f);
      }
      out.println("s3          " + r.s3Uri());
      out.printf(Locale.ROOT, "took        %.1f s (%.1f MiB/s)%n", r.seconds(), r.bytes() / 1048576.0 / Math.max(r.seconds(), 0.001));
      r.notes().forEach(n -> out.println("note        " + n));
    }
    out.flush();
    return 0;
  }

  static Duration duration(String text, String option) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidInputException("Failed to parse " + option + " '" + text + "': expected e.g. 90s, 30m, 2h");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
