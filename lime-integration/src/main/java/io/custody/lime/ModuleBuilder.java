package io.custody.lime;

import io.custody.evidence.CustodyException;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.process.ProcessRunner;
import io.custody.lime.symbols.Vmlinuz;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Builds {@code lime.ko} for a Debian or Ubuntu kernel on the workstation, never on the evidence
 * host: downloads the kernel's headers packages and Debian's {@code lime-forensics-dkms} with {@code
 * apt-get download} (from the machine's apt sources: Debian's on Debian, Ubuntu's on Ubuntu),
 * extracts them with {@code dpkg-deb -x} (nothing is installed), points the headers' absolute paths
 * into the extraction, and runs kbuild with the gcc the kernel was built with.
 *
 * <p>Output: {@code OUT/<release>/lime.ko}, {@code lime.ko.sha256} (sha256sum format) and {@code
 * build.json} (packages and their SHA-256, compiler, LiME version), ready for {@code lime publish}.
 * Then, from the kernel's own {@code linux-image-<release>} package (downloaded too; only its
 * {@code /boot} is read), the kernel's types and symbols ({@link KernelSymbols}): {@code btf} from
 * the vmlinuz, {@code symbols.json}, and {@code isf.json} when the package's System.map is real
 * (Debian's is a placeholder). A failure there leaves the module built and is said in {@link
 * Built#kernelSymbolsProblem()} and build.json.
 *
 * @see LimeModule
 */
public final class ModuleBuilder {

  private static final Pattern DEPENDS = Pattern.compile("^\\s*Depends: (\\S+)", Pattern.MULTILINE);
  private static final Pattern HEADER_PACKAGE = Pattern.compile("linux-(headers-.+|kbuild-.+|[a-z0-9.-]+-headers-.+)");
  private static final Pattern CC_TEXT = Pattern.compile("CONFIG_CC_VERSION_TEXT=\"gcc(?:-\\d+)? \\(.*?\\) (\\d+)\\.");
  private static final long MINUTES = 60;

  private final Path work;

  /** @param work a scratch folder (downloads, extraction, build log); kept for inspection */
  public ModuleBuilder(Path work) {
    this.work = work;
  }

  /**
   * What a build made.
   *
   * @param kernelSymbols the kernel's types and symbols kept beside the module, or null when they
   *     could not be made ({@code kernelSymbolsProblem} says why)
   */
  public record Built(LimeModule module, Path ko, List<String> packages, String compiler, KernelSymbols.Made kernelSymbols,
      String kernelSymbolsProblem) {}

  /**
   * @throws InvalidInputException when apt knows no headers package for the release
   * @throws HostException when a tool is missing or the build fails (with the end of its log)
   */
  public Built build(KernelRelease release, Path outDir) {
    try {
      Path dir = Files.createDirectories(work.resolve(release.value()));
      Path log = dir.resolve("build.log");
      Files.deleteIfExists(log);
      List<String> packages = packages(release, dir, log);
      Path debs = fresh(dir.resolve("debs"));
      List<String> download = new ArrayList<>(packages);
      download.add("lime-forensics-dkms");
      run(cmd("apt-get", "download", "-q", download), debs, log, Map.of(), 30 * MINUTES);
      Path root = fresh(dir.resolve("root"));
      Map<String, String> debHashes = new LinkedHashMap<>();
      try (Stream<Path> s = Files.list(debs)) {
        for (Path deb : s.sorted().toList()) {
          debHashes.put(deb.getFileName().toString(), Sha256.digest(Files.readAllBytes(deb)).hex());
          run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), dir, log, Map.of(), 10 * MINUTES);
        }
      }
      Path headers = root.resolve("usr/src/linux-headers-" + release.value());
      if (!Files.isDirectory(headers)) {
        throw new HostException("Failed to build LiME for '" + release + "': the headers packages hold no usr/src/linux-headers-" + release);
      }
      relocate(root);
      Path limeSrc = limeSource(root, dir);
      String compiler = compiler(headers);
      run(List.of("make", "-C", headers.toString(), "M=" + limeSrc, "CC=" + compiler, "modules"), dir, log,
          Map.of("LC_ALL", "C"), 30 * MINUTES);
      Path built = limeSrc.resolve("lime.ko");
      LimeModule module = LimeModule.read(built);
      if (!module.release().equals(release)) {
        throw new HostException("Failed to build LiME for '" + release + "': the module's vermagic names '" + module.release() + "'");
      }
      Path out = Files.createDirectories(outDir.resolve(release.value()));
      Path ko = out.resolve("lime.ko");
      Files.copy(built, ko, StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(out.resolve("lime.ko.sha256"), module.sha256().hex() + "  lime.ko\n", StandardCharsets.US_ASCII);
      KernelSymbols.remove(out);
      KernelSymbols.Made symbols = null;
      String problem = null;
      try {
        symbols = kernelSymbols(release, dir, log, debHashes);
      } catch (CustodyException | IOException e) {
        problem = e.getMessage();
      }
      if (symbols != null) {
        symbols.writeTo(out);
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("module", module);
      info.put("compiler", compiler);
      info.put("lime_source", root.relativize(limeSrc.getParent()).toString());
      info.put("packages", debHashes);
      Map<String, Object> ks = new LinkedHashMap<>();
      if (symbols != null) {
        ks.put("files", symbols.isf() != null ? List.of(KernelSymbols.BTF_FILE, KernelSymbols.ISF_FILE, KernelSymbols.INDEX_FILE)
            : List.of(KernelSymbols.BTF_FILE, KernelSymbols.INDEX_FILE));
      } else {
        ks.put("problem", problem);
      }
      info.put("kernel_symbols", ks);
      Files.write(out.resolve("build.json"), Json.write(info));
      source(limeSrc, outDir, dir, log);
      return new Built(module, ko, List.copyOf(debHashes.keySet()), compiler, symbols, problem);
    } catch (IOException e) {
      throw new HostException("Failed to build LiME for '" + release + "': " + e.getMessage(), e);
    }
  }

  /**
   * The kernel's types and symbols from its linux-image package: downloaded apart from the headers
   * (it holds the modules too, ~70 MiB, and is never extracted whole), its hash added to {@code
   * debHashes}, its {@code /boot/vmlinuz-R} and {@code /boot/System.map-R} read from its data archive.
   */
  private static KernelSymbols.Made kernelSymbols(KernelRelease release, Path dir, Path log, Map<String, String> debHashes)
      throws IOException {
    String pkg = "linux-image-" + release.value();
    Path image = fresh(dir.resolve("image"));
    try {
      run(List.of("apt-get", "download", "-q", pkg), image, log, Map.of(), 30 * MINUTES);
    } catch (HostException e) {
      throw new HostException("Failed to download " + pkg + " for the kernel's BTF: " + e.getMessage(), e);
    }
    Path deb;
    try (Stream<Path> s = Files.list(image)) {
      deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
          .orElseThrow(() -> new HostException("Failed to download " + pkg + ": apt-get download left no .deb"));
    }
    Sha256 debSha;
    try (InputStream in = Files.newInputStream(deb)) {
      debSha = HashingEngine.sha256().hash(in).hashes().sha256();
    }
    debHashes.put(deb.getFileName().toString(), debSha.hex());
    String vmlinuzName = "boot/vmlinuz-" + release.value();
    String mapName = "boot/System.map-" + release.value();
    Map<String, byte[]> boot = bootFiles(deb, Set.of(vmlinuzName, mapName));
    if (!boot.containsKey(vmlinuzName)) {
      throw new InvalidInputException("Failed to read " + deb.getFileName() + ": it holds no /" + vmlinuzName);
    }
    return KernelSymbols.make(release, Map.of(deb.getFileName().toString(), debSha), vmlinuzName, boot.get(vmlinuzName), mapName,
        boot.get(mapName));
  }

  /**
   * The named files of a .deb's data archive (through {@code dpkg-deb --fsys-tarfile}, nothing
   * written to disk), each at most {@link Vmlinuz#MAX_FILE} bytes; reading stops once all are found
   * ({@code /boot} comes first in a kernel package).
   */
  static Map<String, byte[]> bootFiles(Path deb, Set<String> names) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    ProcessRunner tool = ProcessRunner.of("dpkg-deb", "--fsys-tarfile", deb.toString()).debianPackage("dpkg")
        .timeout(java.time.Duration.ofSeconds(10 * MINUTES));
    try (InputStream raw = tool.stream(); TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while (out.size() < names.size() && (e = tar.getNextEntry()) != null) {
        String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        if (!e.isFile() || !names.contains(name)) {
          continue;
        }
        if (e.getSize() > Vmlinuz.MAX_FILE) {
          throw new InvalidInputException("Failed to read " + deb.getFileName() + ": its /" + name + " is " + e.getSize() + " bytes (at most "
              + Vmlinuz.MAX_FILE + " read)");
        }
        byte[] b = tar.readNBytes((int) e.getSize());
        if (b.length != e.getSize()) {
          throw new InvalidInputException("Failed to read " + deb.getFileName() + ": its /" + name + " ends after " + b.length + " of "
              + e.getSize() + " bytes");
        }
        out.put(name, b);
      }
    }
    return out;
  }

  /** linux-headers-R and the header/kbuild packages it depends on, transitively. */
  private List<String> packages(KernelRelease release, Path dir, Path log) {
    Set<String> out = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of("linux-headers-" + release.value()));
    while (!todo.isEmpty()) {
      String p = todo.remove(0);
      if (!out.add(p)) {
        continue;
      }
      String deps;
      try {
        deps = run(List.of("apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
            "--no-replaces", "--no-enhances", p), dir, log, Map.of("LC_ALL", "C"), 5 * MINUTES);
      } catch (HostException e) {
        if (out.size() == 1) {
          throw new InvalidInputException("Failed to find the headers of kernel '" + release + "': apt knows no package " + p
              + " (run apt-get update, or build on a machine whose apt sources carry that distribution)");
        }
        throw e;
      }
      Matcher m = DEPENDS.matcher(deps);
      while (m.find()) {
        String dep = m.group(1).replaceAll("[<>].*", "");
        if (HEADER_PACKAGE.matcher(dep).matches()) {
          todo.add(dep);
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Headers packages refer to themselves by absolute paths (Debian's {@code Makefile} includes
   * {@code /usr/src/linux-headers-…-common/Makefile}; some symlinks are absolute): point them into
   * the extraction.
   */
  private static void relocate(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(root.resolve("usr"))) {
      all = s.toList();
    }
    for (Path p : all) {
      if (Files.isSymbolicLink(p)) {
        Path target = Files.readSymbolicLink(p);
        if (target.isAbsolute()) {
          Files.delete(p);
          Files.createSymbolicLink(p, p.getParent().relativize(root.resolve(target.toString().substring(1))));
        }
      } else if (p.getFileName().toString().equals("Makefile") && p.getParent().getParent().endsWith("usr/src")
          && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        String fixed = text.replaceAll("(?m)^include /usr/", "include " + root.toString().replace("\\", "/") + "/usr/");
        if (!fixed.equals(text)) {
          Files.writeString(p, fixed, StandardCharsets.UTF_8);
        }
      }
    }
  }

  private static Path limeSource(Path root, Path dir) throws IOException {
    Path src;
    try (Stream<Path> s = Files.list(root.resolve("usr/src"))) {
      src = s.filter(p -> p.getFileName().toString().startsWith("lime-forensics-")).findFirst()
          .orElseThrow(() -> new HostException("Failed to build LiME: lime-forensics-dkms holds no usr/src/lime-forensics-*"));
    }
    Path copy = fresh(dir.resolve("lime-src"));
    Path target = copy.resolve(src.getFileName());
    Files.createDirectories(target);
    try (Stream<Path> s = Files.list(src)) {
      for (Path f : s.toList()) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, target.resolve(f.getFileName()));
        }
      }
    }
    return target;
  }

  /**
   * {@code OUT/lime-source.tar.gz}: the LiME source the module was built from, for {@code acquire
   * memory --allow-build-on-host} (the only case where a host compiles anything).
   */
  private static void source(Path limeSrc, Path outDir, Path dir, Path log) throws IOException {
    Path clean = fresh(dir.resolve("lime-source")).resolve(limeSrc.getFileName());
    Files.createDirectories(clean);
    for (String f : List.of("Makefile", "main.c", "tcp.c", "disk.c", "hash.c", "deflate.c", "lime.h")) {
      if (Files.isRegularFile(limeSrc.resolve(f))) {
        Files.copy(limeSrc.resolve(f), clean.resolve(f));
      }
    }
    Path tgz = outDir.resolve(ModuleLibrary.SOURCE_FILE);
    run(List.of("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-czf", tgz.toString(), "-C",
        clean.getParent().toString(), clean.getFileName().toString()), dir, log, Map.of("GZIP", "-n"), 5 * MINUTES);
    Files.writeString(outDir.resolve(ModuleLibrary.SOURCE_FILE + ".sha256"),
        Sha256.digest(Files.readAllBytes(tgz)).hex() + "  " + ModuleLibrary.SOURCE_FILE + "\n", StandardCharsets.US_ASCII);
  }

  /** gcc-N where N is the major version the kernel was built with (kbuild refuses another). */
  private static String compiler(Path headers) throws IOException {
    for (String name : List.of(".config", "include/config/auto.conf")) {
      Path f = headers.resolve(name);
      if (Files.isRegularFile(f)) {
        Matcher m = CC_TEXT.matcher(Files.readString(f, StandardCharsets.UTF_8));
        if (m.find()) {
          String cc = "gcc-" + m.group(1);
          if (!onPath(cc)) {
            throw new HostException("Failed to build LiME: the kernel was built with " + cc + ", which is not installed (apt-get install " + cc + ")");
          }
          return cc;
        }
      }
    }
    return "gcc";
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  private static List<String> cmd(String a, String b, String c, List<String> rest) {
    List<String> out = new ArrayList<>(List.of(a, b, c));
    out.addAll(rest);
    return out;
  }

  /** The default scratch folder: {@code $CUSTODY_CACHE/lime-build}, else {@code ~/.cache/custody/lime-build}. */
  public static Path defaultWork() {
    String c = System.getenv("CUSTODY_CACHE");
    return (c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache", "custody")).resolve("lime-build");
  }

  /** Runs a build tool in {@code dir}, its output appended to the build log; returns what it printed. */
  private static String run(List<String> cmd, Path dir, Path log, Map<String, String> env, long timeoutSeconds) {
    return ProcessRunner.of(cmd).directory(dir).environment(env).timeout(java.time.Duration.ofSeconds(timeoutSeconds)).mergeStderr()
        .maxOutput(64 << 20).logTo(log).check().text();
  }
}
