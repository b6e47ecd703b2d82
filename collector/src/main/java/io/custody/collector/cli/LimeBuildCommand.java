package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.lime.KernelRelease;
import io.custody.lime.LimeModule;
import io.custody.lime.ModuleBuilder;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code custody lime build --kernel-release R}: lime.ko for a Debian or Ubuntu kernel, built on the workstation. */
@Command(name = "build", description = "Build lime.ko for a Debian or Ubuntu kernel from its headers packages (downloaded and extracted, not installed).",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody lime build --kernel-release 6.1.0-26-amd64 --out lime-modules")
final class LimeBuildCommand extends CliCommand {

  @Option(names = "--kernel-release", required = true, paramLabel = "R", description = "The kernel release, as uname -r prints it on the host.")
  String release;

  @Option(names = "--out", paramLabel = "DIR", description = "Where OUT/<release>/lime.ko goes (default: ./lime-modules).")
  Path out = Path.of("lime-modules");

  @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder: downloads, extraction, build.log (default: $CUSTODY_CACHE/lime-build).")
  Path work;

  /** What {@code --json} prints. */
  record Built(@JsonProperty("module") LimeModule module, @JsonProperty("path") String path, @JsonProperty("packages") List<String> packages,
      @JsonProperty("compiler") String compiler) {}

  @Override
  protected Output run() {
    Path w = work != null ? work : ModuleBuilder.defaultWork();
    err().println("custody: building LiME for " + release + " (scratch " + w + ")");
    err().flush();
    ModuleBuilder.Built b = new ModuleBuilder(w).build(KernelRelease.of(release), out);
    Built r = new Built(b.module(), b.ko().toString(), b.packages(), b.compiler());
    return Output.ok(r, o -> {
      o.println("module      " + b.ko());
      o.println("release     " + b.module().release());
      o.println("vermagic    " + b.module().vermagic().trim());
      o.println("sha256      " + b.module().sha256());
      o.println("compiler    " + b.compiler());
      o.println("packages    " + String.join(", ", b.packages()));
    });
  }
}
