package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The LiME module library: {@code lime/<release>/lime.ko}, {@code lime.ko.sha256} (sha256sum format)
 * and, when the build made them, {@code build.json} and the kernel's own types and symbols ({@link
 * KernelSymbols}: {@code btf}, {@code isf.json} when the kernel's System.map was real, and {@code
 * symbols.json}, which records their SHA-256), in an object store (the capture bucket in S3; this
 * module knows the layout, the collector brings the store). A capture hands the host a presigned GET
 * of the module for its kernel together with the SHA-256 recorded here, which the host checks before
 * insmod. Beside the modules it may hold AVML ({@code lime/avml/avml} and {@code avml.sha256}), the
 * userland acquirer a capture falls back to on a kernel without a module.
 */
public final class ModuleLibrary {

  /** Where the library lives: keys and small objects (an S3 bucket in the collector). */
  public interface Store {
    void put(String key, byte[] bytes, String contentType);

    /** The object, at most {@code maxBytes}; empty when there is none. */
    Optional<byte[]> getSmall(String key, int maxBytes);

    /** Every key under {@code prefix}, in key order. */
    List<String> keys(String prefix);

    /** Where it is, for messages (e.g. {@code s3://bucket}). */
    String location();
  }

  public static final String PREFIX = "lime/";
  /** The LiME source archive {@code lime build} leaves beside the modules. */
  public static final String SOURCE_FILE = "lime-source.tar.gz";
  /** Where the source archive lives in the library. */
  public static final String SOURCE_KEY = PREFIX + "source/" + SOURCE_FILE;

  private static final Set<String> KERNEL_FILES = Set.of(KernelSymbols.BTF_FILE, KernelSymbols.ISF_FILE, KernelSymbols.INDEX_FILE);
  /** Where {@code lime build --avml} puts AVML in its output folder, and where it lives in the library (under {@link #PREFIX}). */
  public static final String AVML_FILE = "avml/avml";
  public static final String AVML_KEY = PREFIX + AVML_FILE;
  /** AVML is a small static binary; anything larger is refused. */
  private static final long AVML_MAX_BYTES = 64L << 20;

  private final Store store;

  public ModuleLibrary(Store store) {
    this.store = store;
  }

  /** Where the library is, for messages. */
  public String location() {
    return store.location() + "/" + PREFIX;
  }

  /**
   * A module in the library.
   *
   * @param kernelFiles the kernel's types and symbols beside it ({@code btf}, {@code isf.json},
   *     {@code symbols.json}), by name; empty when the build made none
   */
  public record Entry(KernelRelease release, Sha256 sha256, String key, @JsonProperty("kernel_files") List<String> kernelFiles) {

    public Entry {
      kernelFiles = List.copyOf(kernelFiles);
    }
  }

  public static String moduleKey(KernelRelease r) {
    return PREFIX + r.value() + "/lime.ko";
  }

  /**
   * Uploads every {@code DIR/<release>/lime.ko} (as {@code lime build} lays them out), or {@code
   * DIR/lime.ko} alone, after checking that its vermagic names its release.
   *
   * @throws InvalidInputException when there is no module or one does not match its folder or hash file
   */
  public List<Entry> publish(Path dir) {
    List<Path> kos = new ArrayList<>();
    if (Files.isRegularFile(dir.resolve("lime.ko"))) {
      kos.add(dir.resolve("lime.ko"));
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.sorted().map(p -> p.resolve("lime.ko")).filter(Files::isRegularFile).forEach(kos::add);
      } catch (IOException e) {
        throw new InvalidInputException("Failed to list '" + dir + "': " + e.getMessage(), e);
      }
    }
    boolean avml = Files.isRegularFile(dir.resolve(AVML_FILE));
    if (kos.isEmpty() && !avml) {
      throw new InvalidInputException("Failed to publish LiME modules from '" + dir + "': no lime.ko in it or in its <release>/ folders, and no "
          + AVML_FILE);
    }
    List<Entry> out = new ArrayList<>();
    for (Path ko : kos) {
      out.add(publishOne(ko, !ko.getParent().equals(dir)));
    }
    publishSource(dir);
    if (avml) {
      publishAvml(dir.resolve(AVML_FILE));
    }
    return out;
  }

  /**
   * Copies an AVML binary into {@code out/avml/avml} with its {@code avml.sha256}, for {@link #publish}.
   *
   * @throws InvalidInputException when it is not an x86-64 ELF executable of a sane size
   */
  public static Sha256 stageAvml(Path binary, Path out) {
    try {
      byte[] b = readAvml(binary);
      Path target = out.resolve(AVML_FILE);
      Files.createDirectories(target.getParent());
      Files.write(target, b);
      Sha256 sha = Sha256.digest(b);
      Files.writeString(target.resolveSibling("avml.sha256"), sha.hex() + "  avml\n", StandardCharsets.US_ASCII);
      return sha;
    } catch (IOException e) {
      throw new InvalidInputException("Failed to copy AVML '" + binary + "' into '" + out + "': " + e.getMessage(), e);
    }
  }

  private static byte[] readAvml(Path binary) throws IOException {
    if (!Files.isRegularFile(binary) || Files.size(binary) > AVML_MAX_BYTES) {
      throw new InvalidInputException("Failed to use AVML '" + binary + "': not a file of at most " + (AVML_MAX_BYTES >> 20) + " MiB");
    }
    byte[] b = Files.readAllBytes(binary);
    // ELF magic, 64-bit, little-endian, e_machine x86-64 (62): the hosts are x86-64 Linux
    if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 2 || b[5] != 1 || b[18] != 62 || b[19] != 0) {
      throw new InvalidInputException("Failed to use AVML '" + binary + "': not an x86-64 ELF executable");
    }
    return b;
  }

  private void publishAvml(Path binary) {
    try {
      byte[] b = readAvml(binary);
      Sha256 sha = Sha256.digest(b);
      Path shaFile = binary.resolveSibling("avml.sha256");
      if (Files.isRegularFile(shaFile) && !Sha256.parse(Files.readString(shaFile, StandardCharsets.US_ASCII).trim().split("\\s+")[0]).equals(sha)) {
        throw new InvalidInputException("Failed to publish '" + binary + "': its SHA-256 differs from avml.sha256");
      }
      store.put(AVML_KEY, b, "application/octet-stream");
      store.put(AVML_KEY + ".sha256", (sha.hex() + "  avml\n").getBytes(StandardCharsets.US_ASCII), "text/plain");
    } catch (IOException e) {
      throw new InvalidInputException("Failed to publish '" + binary + "': " + e.getMessage(), e);
    }
  }

  /** AVML in the library and its SHA-256, if it was published. */
  public Optional<Sha256> avml() {
    return store.getSmall(AVML_KEY + ".sha256", 4096)
        .map(b -> Sha256.parse(new String(b, StandardCharsets.US_ASCII).trim().split("\\s+")[0]));
  }

  /** The LiME source archive, when {@code dir} has one (checked against its hash file). */
  private void publishSource(Path dir) {
    Path tgz = dir.resolve(SOURCE_FILE);
    if (!Files.isRegularFile(tgz)) {
      return;
    }
    try {
      byte[] b = Files.readAllBytes(tgz);
      Sha256 sha = Sha256.digest(b);
      Path shaFile = dir.resolve(SOURCE_FILE + ".sha256");
      if (Files.isRegularFile(shaFile) && !Sha256.parse(Files.readString(shaFile, StandardCharsets.US_ASCII).trim().split("\\s+")[0]).equals(sha)) {
        throw new InvalidInputException("Failed to publish '" + tgz + "': its SHA-256 differs from " + shaFile.getFileName());
      }
      store.put(SOURCE_KEY, b, "application/gzip");
      store.put(SOURCE_KEY + ".sha256", (sha.hex() + "  " + SOURCE_FILE + "\n").getBytes(StandardCharsets.US_ASCII), "text/plain");
    } catch (IOException e) {
      throw new InvalidInputException("Failed to publish '" + tgz + "': " + e.getMessage(), e);
    }
  }

  /** The LiME source archive in the library and its SHA-256, if one was published. */
  public Optional<Sha256> source() {
    return store.getSmall(SOURCE_KEY + ".sha256", 4096)
        .map(b -> Sha256.parse(new String(b, StandardCharsets.US_ASCII).trim().split("\\s+")[0]));
  }

  private Entry publishOne(Path ko, boolean inReleaseFolder) {
    LimeModule m = LimeModule.read(ko);
    if (inReleaseFolder && !ko.getParent().getFileName().toString().equals(m.release().value())) {
      throw new InvalidInputException("Failed to publish '" + ko + "': built for kernel " + m.release() + ", not for its folder's name");
    }
    Path shaFile = ko.resolveSibling("lime.ko.sha256");
    // checked before anything is uploaded: btf and isf.json against the SHA-256 symbols.json records
    Map<String, byte[]> kernelFiles = KernelSymbols.checkedFiles(ko.getParent());
    try {
      if (Files.isRegularFile(shaFile)) {
        String recorded = Files.readString(shaFile, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        if (!Sha256.parse(recorded).equals(m.sha256())) {
          throw new InvalidInputException("Failed to publish '" + ko + "': its SHA-256 is " + m.sha256() + ", lime.ko.sha256 says " + recorded);
        }
      }
      String key = moduleKey(m.release());
      store.put(key, Files.readAllBytes(ko), "application/octet-stream");
      store.put(key + ".sha256", (m.sha256().hex() + "  lime.ko\n").getBytes(StandardCharsets.US_ASCII), "text/plain");
      Path build = ko.resolveSibling("build.json");
      if (Files.isRegularFile(build) && Files.size(build) < (1 << 20)) {
        store.put(PREFIX + m.release().value() + "/build.json", Files.readAllBytes(build), "application/json");
      }
      return new Entry(m.release(), m.sha256(), key, publishKernelFiles(ko, m.release(), kernelFiles));
    } catch (IOException e) {
      throw new InvalidInputException("Failed to publish '" + ko + "': " + e.getMessage(), e);
    }
  }

  /**
   * The kernel's types and symbols beside the module, {@code symbols.json} last: a reader that finds
   * it finds the files it lists. Its release must be the module's.
   */
  private List<String> publishKernelFiles(Path ko, KernelRelease release, Map<String, byte[]> files) throws IOException {
    if (files.isEmpty()) {
      return List.of();
    }
    String said = Json.mapper().readTree(files.get(KernelSymbols.INDEX_FILE)).path("release").asText();
    if (!said.equals(release.value())) {
      throw new InvalidInputException("Failed to publish '" + ko.resolveSibling(KernelSymbols.INDEX_FILE) + "': it describes kernel '" + said
          + "', not " + release);
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      if (!f.getKey().equals(KernelSymbols.INDEX_FILE)) {
        store.put(PREFIX + release.value() + "/" + f.getKey(), f.getValue(),
            f.getKey().endsWith(".json") ? "application/json" : "application/octet-stream");
        out.add(f.getKey());
      }
    }
    store.put(PREFIX + release.value() + "/" + KernelSymbols.INDEX_FILE, files.get(KernelSymbols.INDEX_FILE), "application/json");
    out.add(KernelSymbols.INDEX_FILE);
    return out;
  }

  /** Every module in the library, with the SHA-256 its hash file records and the kernel files beside it. */
  public List<Entry> list() {
    List<String> keys = store.keys(PREFIX);
    Map<String, List<String>> beside = new HashMap<>();
    for (String key : keys) {
      String[] parts = key.split("/");
      if (parts.length == 3 && KERNEL_FILES.contains(parts[2])) {
        beside.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
      }
    }
    List<Entry> out = new ArrayList<>();
    for (String key : keys) {
      String[] parts = key.split("/");
      if (parts.length != 3 || !parts[2].equals("lime.ko.sha256")) {
        continue;
      }
      KernelRelease r;
      try {
        r = KernelRelease.of(parts[1]);
      } catch (InvalidInputException e) {
        continue;
      }
      Optional<byte[]> sha = store.getSmall(key, 4096);
      if (sha.isEmpty()) {
        continue;
      }
      String hex = new String(sha.get(), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
      List<String> files = beside.getOrDefault(parts[1], List.of());
      out.add(new Entry(r, Sha256.parse(hex), moduleKey(r), files.contains(KernelSymbols.INDEX_FILE) ? files : List.of()));
    }
    return out;
  }
}
