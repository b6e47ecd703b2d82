package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.lime.KernelRelease;
import io.custody.lime.KernelSymbols;
import io.custody.lime.LimeModule;
import io.custody.lime.ModuleBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code custody lime build --kernel-release R}: lime.ko for a Debian or Ubuntu kernel, built on the workstation. */
@Command(name = "build", description = {"Build lime.ko for a Debian or Ubuntu kernel from its headers packages (downloaded and extracted, not installed).",
    "Beside it, from the kernel's linux-image package: btf (the vmlinuz's .BTF types), symbols.json (what they came from, with SHA-256s), and isf.json (a Volatility 3 symbol table) when the package's System.map is real (Debian's is a placeholder)."},
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
      @JsonProperty("compiler") String compiler, @JsonProperty("kernel_symbols") Map<String, Object> kernelSymbols,
      @JsonProperty("kernel_symbols_problem") String kernelSymbolsProblem) {}

  @Override
  protected Output run() {
    Path w = work != null ? work : ModuleBuilder.defaultWork();
    err().println("custody: building LiME for " + release + " (scratch " + w + ")");
    err().flush();
    ModuleBuilder.Built b = new ModuleBuilder(w).build(KernelRelease.of(release), out);
    KernelSymbols.Made ks = b.kernelSymbols();
    Built r = new Built(b.module(), b.ko().toString(), b.packages(), b.compiler(), ks == null ? null : ks.index(), b.kernelSymbolsProblem());
    if (ks == null) {
      err().println("custody: warning: lime.ko is built, but not the kernel's BTF: " + b.kernelSymbolsProblem());
      err().flush();
    }
    return Output.ok(r, o -> {
      o.println("module      " + b.ko());
      o.println("release     " + b.module().release());
      o.println("vermagic    " + b.module().vermagic().trim());
      o.println("sha256      " + b.module().sha256());
      o.println("compiler    " + b.compiler());
      o.println("packages    " + String.join(", ", b.packages()));
      if (ks != null) {
        Path dir = b.ko().getParent();
        o.println("btf         " + dir.resolve(KernelSymbols.BTF_FILE) + " (" + ks.btf().length + " bytes, " + ks.types() + " types)");
        o.println("banner      " + (ks.banner() == null ? "(not found in the vmlinuz)" : ks.banner()));
        o.println("isf         " + (ks.isf() != null ? dir.resolve(KernelSymbols.ISF_FILE)
            : "none: the package has no real System.map (types only: symbol addresses must come from the host's /proc/kallsyms)"));
      } else {
        o.println("btf         none: " + b.kernelSymbolsProblem());
      }
    });
  }
}
