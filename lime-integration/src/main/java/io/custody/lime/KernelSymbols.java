package io.custody.lime;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.ToolVersion;
import io.custody.lime.symbols.Btf;
import io.custody.lime.symbols.Isf;
import io.custody.lime.symbols.SystemMap;
import io.custody.lime.symbols.Vmlinuz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the module library keeps about a kernel besides its {@code lime.ko}, made from the kernel's
 * own linux-image package: {@code btf}, the {@code .BTF} section of its vmlinuz (the types, as
 * {@code /sys/kernel/btf/vmlinux} gives them on a running kernel); {@code isf.json}, a Volatility 3
 * symbol table, only when the package's System.map is real; and {@code symbols.json}, which says
 * what they were made from (package, vmlinuz, System.map, each with its SHA-256), the kernel's banner
 * and the SHA-256 and size of {@code btf} and {@code isf.json}, which {@code lime publish} checks.
 *
 * <p>Debian's linux-image packages ship a placeholder System.map (the real one is in the
 * {@code -dbg} package), so for Debian kernels the library has the types and no symbol addresses:
 * those must come from the host's own {@code /proc/kallsyms} at capture time.
 */
public final class KernelSymbols {

  public static final String BTF_FILE = "btf";
  public static final String INDEX_FILE = "symbols.json";
  public static final String ISF_FILE = "isf.json";
  /** The largest {@code symbols.json} read back. */
  public static final int MAX_INDEX = 1 << 20;
  /** The largest {@code isf.json} published (a kernel's with its symbols is 30–60 MiB). */
  public static final int MAX_ISF = 512 << 20;

  private KernelSymbols() {}

  /**
   * What was made.
   *
   * @param index the content of {@code symbols.json}
   * @param isf the ISF's JSON, or null when the System.map was missing or a placeholder
   */
  public record Made(Map<String, Object> index, byte[] btf, byte[] isf, int types, String banner, boolean realSystemMap) {

    /** Writes {@code btf}, {@code symbols.json} and (or, without one, removes) {@code isf.json} into {@code dir}. */
    public void writeTo(Path dir) throws IOException {
      Files.write(dir.resolve(BTF_FILE), btf);
      if (isf != null) {
        Files.write(dir.resolve(ISF_FILE), isf);
      } else {
        Files.deleteIfExists(dir.resolve(ISF_FILE));
      }
      Files.write(dir.resolve(INDEX_FILE), Json.write(index));
    }
  }

  /** Removes what {@link Made#writeTo} leaves, so that a failed build does not keep an older kernel's. */
  public static void remove(Path dir) throws IOException {
    for (String f : new String[] {BTF_FILE, ISF_FILE, INDEX_FILE}) {
      Files.deleteIfExists(dir.resolve(f));
    }
  }

  /**
   * @param pkg the package the files came from: file name → SHA-256 (one entry), or empty
   * @param vmlinuz the kernel image ({@code /boot/vmlinuz-R})
   * @param systemMap {@code /boot/System.map-R}, or null when the package has none
   * @throws InvalidInputException when the image is not a kernel image, has no BTF, or the BTF or
   *     System.map is malformed
   */
  public static Made make(KernelRelease release, Map<String, Sha256> pkg, String vmlinuzName, byte[] vmlinuz, String systemMapName,
      byte[] systemMap) {
    Vmlinuz image = Vmlinuz.parse(vmlinuz, vmlinuzName);
    byte[] btfBytes = image.btf();
    Btf btf = Btf.parse(btfBytes, vmlinuzName + ":.BTF");
    String banner = image.banner(release.value()).orElse(null);
    Sha256 imageSha = Sha256.digest(vmlinuz);

    Map<String, Object> index = new LinkedHashMap<>();
    index.put("release", release.value());
    pkg.forEach((name, sha) -> {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", name);
      p.put("sha256", sha);
      index.put("package", p);
    });
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", vmlinuzName);
    v.put("sha256", imageSha);
    v.put("size", vmlinuz.length);
    v.put("format", image.format());
    v.put("compression", image.compression());
    if (image.bootProtocol() > 0) {
      v.put("boot_protocol", (image.bootProtocol() >> 8) + "." + String.format("%02d", image.bootProtocol() & 0xff));
    }
    v.put("vmlinux_size", image.vmlinuxSize());
    v.put("symtab", image.hasSymtab());
    index.put("vmlinuz", v);
    index.put("banner", banner);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("file", BTF_FILE);
    b.put("sha256", Sha256.digest(btfBytes));
    b.put("size", btfBytes.length);
    b.put("types", btf.count());
    index.put("btf", b);

    SystemMap map = null;
    Sha256 mapSha = null;
    if (systemMap != null) {
      map = SystemMap.parse(systemMap, systemMapName);
      mapSha = Sha256.digest(systemMap);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", systemMapName);
      m.put("sha256", mapSha);
      m.put("size", systemMap.length);
      m.put("real", map.real());
      m.put("symbols", map.real() ? map.symbols().size() : 0);
      if (map.placeholder()) {
        m.put("note", "a placeholder: the real System.map is in the kernel's -dbg package; symbol addresses must come from the host's /proc/kallsyms");
      } else if (!map.real()) {
        m.put("note", "places no _text: not used");
      }
      index.put("system_map", m);
    } else {
      index.put("system_map", null);
    }

    byte[] isf = null;
    if (map != null && map.real()) {
      Map<String, Map<String, String>> sources = new LinkedHashMap<>();
      sources.put("btf", source(vmlinuzName, imageSha));
      sources.put("system-map", source(systemMapName, mapSha));
      isf = Json.write(Isf.of(btf, map.symbols(), banner, sources, ToolVersion.version()));
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("file", ISF_FILE);
      i.put("sha256", Sha256.digest(isf));
      i.put("size", isf.length);
      index.put("isf", i);
    } else {
      index.put("isf", null);
    }
    return new Made(index, btfBytes, isf, btf.count(), banner, map != null && map.real());
  }

  private static Map<String, String> source(String name, Sha256 sha) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("sha256", sha.hex()); // as Isf.of takes a source: the System.map's becomes the schema's hash_type and hash_value
    return m;
  }

  /**
   * The files {@code symbols.json} in {@code dir} lists, checked against the SHA-256 and size it
   * records: file name → bytes, {@code symbols.json} included; empty when there is none.
   *
   * @throws InvalidInputException when {@code symbols.json} is malformed or a file it lists is missing or differs
   */
  public static Map<String, byte[]> checkedFiles(Path dir) {
    Path indexFile = dir.resolve(INDEX_FILE);
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(indexFile)) {
      return out;
    }
    try {
      if (Files.size(indexFile) > MAX_INDEX) {
        throw new InvalidInputException("Failed to read '" + indexFile + "': larger than " + MAX_INDEX + " bytes");
      }
      byte[] indexBytes = Files.readAllBytes(indexFile);
      var index = Json.mapper().readTree(indexBytes);
      for (String part : new String[] {"btf", "isf"}) {
        var entry = index.path(part);
        if (entry.isNull() || entry.isMissingNode()) {
          continue;
        }
        String file = part.equals("btf") ? BTF_FILE : ISF_FILE;
        if (!entry.path("file").asText().equals(file)) {
          throw new InvalidInputException("Failed to read '" + indexFile + "': its " + part + " names '" + entry.path("file").asText()
              + "', not " + file);
        }
        Path f = dir.resolve(file);
        if (!Files.isRegularFile(f)) {
          throw new InvalidInputException("Failed to publish '" + dir + "': " + INDEX_FILE + " lists " + file + ", which is missing");
        }
        long max = part.equals("btf") ? Btf.MAX_SIZE : MAX_ISF;
        if (Files.size(f) > max) {
          throw new InvalidInputException("Failed to publish '" + f + "': larger than " + max + " bytes");
        }
        byte[] bytes = Files.readAllBytes(f);
        Sha256 recorded = Sha256.parse(entry.path("sha256").asText());
        Sha256 actual = Sha256.digest(bytes);
        if (!actual.equals(recorded) || bytes.length != entry.path("size").asLong(-1)) {
          throw new InvalidInputException("Failed to publish '" + f + "': its SHA-256 is " + actual + " (" + bytes.length + " bytes), "
              + INDEX_FILE + " says " + recorded + " (" + entry.path("size").asLong(-1) + " bytes)");
        }
        out.put(file, bytes);
      }
      out.put(INDEX_FILE, indexBytes);
      return out;
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read '" + indexFile + "': " + e.getMessage(), e);
    }
  }
}
