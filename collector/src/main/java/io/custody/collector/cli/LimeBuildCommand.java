package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.lime.KernelRelease;
import io.custody.lime.KernelSymbols;
import io.custody.lime.LimeModule;
import io.custody.lime.ModuleBuilder;
import io.custody.lime.ModuleLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code custody lime build --kernel-release R}: lime.ko for a Debian or Ubuntu kernel, built on the
 * workstation, with the kernel's BTF from its linux-image package; with {@code --avml FILE}, the AVML
 * binary copied beside the modules, so that one {@code lime publish} of the folder puts all into the library.
 */
@Command(name = "build", description = {"Build lime.ko for a Debian or Ubuntu kernel from its headers packages (downloaded and extracted, not installed).",
    "Beside it, from the kernel's linux-image package: btf (the vmlinuz's .BTF types), symbols.json (what they came from, with SHA-256s), and isf.json (a Volatility 3 symbol table) when the package's System.map is real (Debian's is a placeholder).",
    "With --avml, also put an AVML binary (the fallback for kernels without a module) into the folder for lime publish."},
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody lime build --kernel-release 6.1.0-26-amd64 --avml avml --out lime-modules")
final class LimeBuildCommand extends CliCommand {

  @Option(names = "--kernel-release", paramLabel = "R", description = "The kernel release, as uname -r prints it on the host.")
  String release;

  @Option(names = "--avml", paramLabel = "FILE", description = {"An AVML binary (x86-64, static: scripts/avml build makes one) to copy into",
      "OUT/avml/avml with its SHA-256. Needs no --kernel-release."})
  Path avml;

  @Option(names = "--out", paramLabel = "DIR", description = "Where OUT/<release>/lime.ko goes (default: ./lime-modules).")
  Path out = Path.of("lime-modules");

  @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder: downloads, extraction, build.log (default: $CUSTODY_CACHE/lime-build).")
  Path work;

  /** What {@code --json} prints. */
  record Built(@JsonProperty("module") LimeModule module, @JsonProperty("path") String path, @JsonProperty("packages") List<String> packages,
      @JsonProperty("compiler") String compiler, @JsonProperty("kernel_symbols") Map<String, Object> kernelSymbols,
      @JsonProperty("kernel_symbols_problem") String kernelSymbolsProblem, @JsonProperty("avml_sha256") Sha256 avmlSha256) {}

  @Override
  protected Output run() {
    if (release == null && avml == null) {
      throw new InvalidInputException("Failed to build: give --kernel-release, --avml or both");
    }
    Sha256 avmlSha = avml == null ? null : ModuleLibrary.stageAvml(avml, out);
    if (release == null) {
      Built r = new Built(null, null, List.of(), null, null, null, avmlSha);
      return Output.ok(r, o -> o.println("avml        " + out.resolve(ModuleLibrary.AVML_FILE) + "  sha256 " + avmlSha));
    }
    Path w = work != null ? work : ModuleBuilder.defaultWork();
    err().println("custody: building LiME for " + release + " (scratch " + w + ")");
    err().flush();
    ModuleBuilder.Built b = new ModuleBuilder(w).build(KernelRelease.of(release), out);
    KernelSymbols.Made ks = b.kernelSymbols();
    Built r = new Built(b.module(), b.ko().toString(), b.packages(), b.compiler(), ks == null ? null : ks.index(), b.kernelSymbolsProblem(), avmlSha);
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
      if (avmlSha != null) {
        o.println("avml        " + out.resolve(ModuleLibrary.AVML_FILE) + "  sha256 " + avmlSha);
      }
    });
  }
}
