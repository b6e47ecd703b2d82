package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.internal.Json;
import io.custody.lime.KernelRelease;
import io.custody.lime.LimeFinding;
import io.custody.lime.LimeInspection;
import io.custody.lime.LimeLayout;
import io.custody.lime.LimeRange;
import io.custody.lime.LimeReader;
import io.custody.lime.ModuleBuilder;
import io.custody.lime.ModuleLibrary;
import io.custody.lime.SystemRam;
import io.custody.lime.capture.CaptureDocument;
import io.custody.lime.ssm.AwsClients;
import io.custody.lime.ssm.Called;
import io.custody.lime.ssm.SsmGateway;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody lime inspect|build|publish|install-document}: LiME files, the module library, the SSM document. */
@Command(name = "lime", description = "Inspect LiME files, build and publish LiME modules, install the SSM capture document.",
    mixinStandardHelpOptions = true,
    subcommands = {LimeCommand.Inspect.class, LimeCommand.Build.class, LimeCommand.Publish.class, LimeCommand.InstallDocument.class})
final class LimeCommand {

  @Command(name = "inspect", description = "Print a LiME file's ranges, totals and findings (exit 1 on any structural or completeness problem).",
      mixinStandardHelpOptions = true)
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The LiME file (read only).")
    Path file;

    @Option(names = "--iomem", paramLabel = "FILE", description = "A copy of the host's /proc/iomem: also check every System RAM range is captured whole.")
    Path iomem;

    @Option(names = "--json", description = "Print the inspection as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new io.custody.evidence.InvalidInputException("Failed to inspect '" + file + "': not a readable file");
      }
      LimeLayout layout = LimeReader.read(file);
      LimeInspection i = LimeInspection.of(file.toString(), layout, iomem == null ? null : SystemRam.read(iomem));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.print(Json.writeString(i));
      } else {
        render(i, out);
      }
      out.flush();
      return i.clean() ? 0 : 1;
    }
  }

  static void render(LimeInspection i, PrintWriter out) {
    LimeLayout l = i.layout();
    out.println("file        " + i.file() + " (" + l.fileSize() + " bytes)");
    out.printf("ranges      %d: %d bytes of RAM declared (%s), %d present, %d zero pages%n", l.rangeCount(), l.declaredBytes(),
        ByteSize.format(l.declaredBytes()), l.presentBytes(), l.zeroPages());
    out.printf("  %3s  %-18s %-18s %12s  %-10s %10s %14s%n", "#", "start", "end", "size", "data", "zero pages", "header offset");
    int n = 1;
    for (LimeRange r : l.ranges()) {
      out.printf("  %3d  %-18s %-18s %12s  %-10s %10d %14d%n", n++, "0x" + Long.toHexString(r.range().start()), "0x" + Long.toHexString(r.range().end()),
          ByteSize.format(r.declared()), r.complete() ? "complete" : r.present() + " B", r.zeroPages(), r.headerOffset());
    }
    if (i.systemRam() != null) {
      out.println("system RAM  " + i.systemRam().size() + " ranges, " + i.systemRam().stream().mapToLong(p -> p.size()).sum() + " bytes");
    }
    List<LimeFinding> f = i.findings();
    out.println("findings    " + (f.isEmpty() ? "none" : f.size()));
    f.forEach(x -> out.println("  " + x));
    out.println(i.clean() ? "LIME OK" + (i.systemRam() == null ? " (structure only; --iomem checks completeness)" : " (complete)") : "LIME PROBLEMS");
  }

  @Command(name = "build", description = "Build lime.ko for a Debian or Ubuntu kernel from its headers packages (downloaded and extracted, not installed).",
      mixinStandardHelpOptions = true)
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--kernel-release", required = true, paramLabel = "R", description = "The kernel release, as uname -r prints it on the host.")
    String release;

    @Option(names = "--out", paramLabel = "DIR", description = "Where OUT/<release>/lime.ko goes (default: ./lime-modules).")
    Path out = Path.of("lime-modules");

    @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder: downloads, extraction, build.log (default: $CUSTODY_CACHE/lime-build).")
    Path work;

    @Option(names = "--json", description = "Print the module as JSON.")
    boolean json;

    @Override
    public Integer call() {
      Path w = work != null ? work : cache().resolve("lime-build");
      System.err.println("custody: building LiME for " + release + " (scratch " + w + ")");
      ModuleBuilder.Built b = new ModuleBuilder(w).build(KernelRelease.of(release), out);
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        o.print(Json.writeString(Map.of("module", b.module(), "path", b.ko().toString(), "packages", b.packages(), "compiler", b.compiler())));
      } else {
        o.println("module      " + b.ko());
        o.println("release     " + b.module().release());
        o.println("vermagic    " + b.module().vermagic().trim());
        o.println("sha256      " + b.module().sha256());
        o.println("compiler    " + b.compiler());
        o.println("packages    " + String.join(", ", b.packages()));
      }
      o.flush();
      return 0;
    }

    private static Path cache() {
      String c = System.getenv("CUSTODY_CACHE");
      return c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache", "custody");
    }
  }

  @Command(name = "publish", description = "Store built modules in the module library: s3://BUCKET/lime/<release>/lime.ko and its SHA-256.",
      mixinStandardHelpOptions = true)
  static final class Publish implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AwsOptions aws;

    @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "The bucket of the module library (the capture bucket).")
    String bucket;

    @Parameters(index = "0", paramLabel = "DIR", description = "A folder of <release>/lime.ko (as lime build makes it), or one holding lime.ko.")
    Path dir;

    @Option(names = "--json", description = "Print what was published as JSON.")
    boolean json;

    @Override
    public Integer call() {
      List<ModuleLibrary.Entry> done;
      try (AwsClients c = AwsClients.create(aws.region(), aws.profile(), aws.endpoint())) {
        done = new ModuleLibrary(c.s3(), bucket).publish(dir);
      }
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        o.print(Json.writeString(Map.of("bucket", bucket, "modules", done)));
      } else {
        done.forEach(e -> o.println("published   s3://" + bucket + "/" + e.key() + "  sha256 " + e.sha256()));
      }
      o.flush();
      return 0;
    }
  }

  @Command(name = "install-document", description = "Create or update the " + CaptureDocument.NAME + " SSM document (a new default version when it changed).",
      mixinStandardHelpOptions = true)
  static final class InstallDocument implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AwsOptions aws;

    @Option(names = "--print", description = "Print the document's JSON instead of installing it (no AWS call).")
    boolean print;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      if (print) {
        o.print(CaptureDocument.content());
        o.flush();
        return 0;
      }
      Called<SsmGateway.DocumentVersion> v;
      try (AwsClients c = AwsClients.create(aws.region(), aws.profile(), aws.endpoint())) {
        v = c.ssm().installDocument(CaptureDocument.NAME, CaptureDocument.content());
      }
      if (json) {
        o.print(Json.writeString(v.value()));
      } else {
        o.println("document    " + v.value().name() + " version " + v.value().version() + (v.value().changed() ? " (installed)" : " (already current)"));
        o.println("sha256      " + v.value().sha256());
      }
      o.flush();
      return 0;
    }
  }
}
