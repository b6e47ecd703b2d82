package io.custody.lime;

import static io.custody.lime.symbols.TestImages.BANNER;
import static io.custody.lime.symbols.TestImages.RELEASE;
import static io.custody.lime.symbols.TestImages.bzImage;
import static io.custody.lime.symbols.TestImages.elf;
import static io.custody.lime.symbols.TestImages.tinyBtf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.lime.symbols.SystemMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's types and symbols beside lime.ko: made from a bzImage and System.map the test makes
 * (Debian's placeholder, a real map, none), published into the library beside the module (checked
 * against symbols.json first), and read from a .deb as {@code lime build} reads the linux-image package.
 */
class KernelSymbolsTest {

  /** Debian's linux-image packages ship this in place of the System.map (83 bytes). */
  static final byte[] DEBIAN_PLACEHOLDER =
      "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] REAL_MAP = ("0000000000000000 A __per_cpu_start\nffffffff81000000 T _text\nffffffff81000000 T startup_64\n"
      + "ffffffff82a0c940 D init_task\nffffffff82000180 R linux_banner\nffffffff8102a3b0 t helper\nffffffff8102a4b0 t helper\n")
      .getBytes(StandardCharsets.US_ASCII);
  static final Map<String, Sha256> PKG = Map.of("linux-image-" + RELEASE + "_6.1.0-1_amd64.deb", Sha256.digest(new byte[] {1}));

  @TempDir Path tmp;
  byte[] vmlinuz;

  @BeforeEach
  void setUp() throws IOException {
    vmlinuz = bzImage("xz", elf(tinyBtf()));
  }

  KernelSymbols.Made make(byte[] systemMap) {
    return KernelSymbols.make(KernelRelease.of(RELEASE), PKG, "boot/vmlinuz-" + RELEASE, vmlinuz, "boot/System.map-" + RELEASE, systemMap);
  }

  @Test
  void debianPlaceholderMap_btfAndIndexNoIsf() throws IOException {
    assertThat(DEBIAN_PLACEHOLDER).hasSize(83);
    KernelSymbols.Made m = make(DEBIAN_PLACEHOLDER);
    assertThat(m.btf()).isEqualTo(tinyBtf());
    assertThat(m.isf()).isNull();
    assertThat(m.realSystemMap()).isFalse();
    assertThat(m.banner()).isEqualTo(BANNER);
    Path dir = Files.createDirectories(tmp.resolve(RELEASE));
    Files.writeString(dir.resolve(KernelSymbols.ISF_FILE), "{}"); // an older build's
    m.writeTo(dir);
    assertThat(dir.resolve(KernelSymbols.ISF_FILE)).doesNotExist();
    assertThat(dir.resolve(KernelSymbols.BTF_FILE)).hasBinaryContent(tinyBtf());
    JsonNode index = Json.mapper().readTree(dir.resolve(KernelSymbols.INDEX_FILE).toFile());
    assertThat(index.path("release").asText()).isEqualTo(RELEASE);
    assertThat(index.path("package").path("name").asText()).startsWith("linux-image-");
    assertThat(index.path("vmlinuz").path("sha256").asText()).isEqualTo(Sha256.digest(vmlinuz).hex());
    assertThat(index.path("vmlinuz").path("compression").asText()).isEqualTo("xz");
    assertThat(index.path("vmlinuz").path("boot_protocol").asText()).isEqualTo("2.15");
    assertThat(index.path("vmlinuz").path("symtab").asBoolean(true)).isFalse();
    assertThat(index.path("btf").path("sha256").asText()).isEqualTo(Sha256.digest(tinyBtf()).hex());
    assertThat(index.path("btf").path("size").asInt()).isEqualTo(tinyBtf().length);
    assertThat(index.path("btf").path("types").asInt()).isEqualTo(1);
    assertThat(index.path("banner").asText()).isEqualTo(BANNER);
    assertThat(index.path("system_map").path("size").asInt()).isEqualTo(83);
    assertThat(index.path("system_map").path("real").asBoolean(true)).isFalse();
    assertThat(index.path("system_map").path("note").asText()).contains("placeholder", "-dbg", "/proc/kallsyms");
    assertThat(index.path("isf").isNull()).isTrue();
  }

  @Test
  void realMap_isfWithAddressesTypesAndBanner() throws IOException {
    KernelSymbols.Made m = make(REAL_MAP);
    assertThat(m.realSystemMap()).isTrue();
    assertThat(m.isf()).isNotNull();
    Path dir = Files.createDirectories(tmp.resolve(RELEASE));
    m.writeTo(dir);
    JsonNode isf = Json.mapper().readTree(dir.resolve(KernelSymbols.ISF_FILE).toFile());
    assertThat(isf.path("symbols").path("init_task").path("address").asLong()).isEqualTo(0xffffffff82a0c940L);
    assertThat(isf.path("symbols").path("helper").path("address").asLong()).as("the first of a repeated name").isEqualTo(0xffffffff8102a3b0L);
    assertThat(isf.path("base_types").has("int")).isTrue();
    assertThat(new String(java.util.Base64.getDecoder().decode(isf.path("symbols").path("linux_banner").path("constant_data").asText()),
        StandardCharsets.UTF_8)).isEqualTo(BANNER + "\n\0");
    JsonNode sources = isf.path("metadata").path("linux").path("symbols");
    assertThat(sources.get(0).path("kind").asText()).isEqualTo("system-map");
    assertThat(sources.get(0).path("hash_value").asText()).isEqualTo(Sha256.digest(REAL_MAP).hex());
    JsonNode index = Json.mapper().readTree(dir.resolve(KernelSymbols.INDEX_FILE).toFile());
    assertThat(index.path("system_map").path("real").asBoolean()).isTrue();
    assertThat(index.path("system_map").path("symbols").asInt()).isEqualTo(6);
    assertThat(index.path("isf").path("sha256").asText()).isEqualTo(Sha256.digest(Files.readAllBytes(dir.resolve(KernelSymbols.ISF_FILE))).hex());
  }

  @Test
  void noMapInThePackage_saidInTheIndex() throws IOException {
    KernelSymbols.Made m = make(null);
    assertThat(m.isf()).isNull();
    assertThat(m.index().get("system_map")).isNull();
    assertThat(m.index()).containsKey("system_map");
  }

  @Test
  void systemMap_placeholderRealAndHostile() {
    SystemMap p = SystemMap.parse(DEBIAN_PLACEHOLDER, "System.map");
    assertThat(p.placeholder()).isTrue();
    assertThat(p.real()).isFalse();
    assertThat(p.symbols()).isEmpty();
    SystemMap kallsyms = SystemMap.parse("ffffffff81000000 T _stext\nffffffffc0a01000 t lime_init\t[lime]\n".getBytes(StandardCharsets.US_ASCII),
        "kallsyms");
    assertThat(kallsyms.real()).isTrue();
    assertThat(kallsyms.symbols()).containsEntry("lime_init", 0xffffffffc0a01000L);
    // kallsyms read without privilege: every address 0, so nothing is placed
    assertThat(SystemMap.parse("0000000000000000 T _text\n".getBytes(StandardCharsets.US_ASCII), "hidden").real()).isFalse();
    assertThatThrownBy(() -> SystemMap.parse("ffffffff81000000 T _text\nnot a symbol line at all\n".getBytes(StandardCharsets.US_ASCII), "bad"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'bad' at byte 25 (line 2)");
    assertThatThrownBy(() -> SystemMap.parse("ffffffff8100000g T _text\n".getBytes(StandardCharsets.US_ASCII), "hex"))
        .hasMessageContaining("at byte 0 (line 1)").hasMessageContaining("not hexadecimal");
  }

  @Test
  void vmlinuzWithoutBtf_refused() throws IOException {
    byte[] noBtf = bzImage("xz", elf(null));
    assertThatThrownBy(() -> KernelSymbols.make(KernelRelease.of(RELEASE), PKG, "vmlinuz", noBtf, "System.map", DEBIAN_PLACEHOLDER))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no .BTF section");
  }

  /** The library's store in memory, in the order things were put. */
  static final class MemoryStore implements ModuleLibrary.Store {
    final Map<String, byte[]> objects = new TreeMap<>();
    final List<String> order = new ArrayList<>();

    @Override
    public void put(String key, byte[] bytes, String contentType) {
      objects.put(key, bytes);
      order.add(key);
    }

    @Override
    public Optional<byte[]> getSmall(String key, int maxBytes) {
      return Optional.ofNullable(objects.get(key)).filter(b -> b.length <= maxBytes);
    }

    @Override
    public List<String> keys(String prefix) {
      return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    @Override
    public String location() {
      return "memory://";
    }
  }

  Path built(KernelSymbols.Made m) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out").resolve(RELEASE));
    Files.write(dir.resolve("lime.ko"), TestModules.fake(RELEASE));
    m.writeTo(dir);
    return dir.getParent();
  }

  @Test
  void publish_kernelFilesBesideTheModule_indexLast_listed() throws IOException {
    MemoryStore store = new MemoryStore();
    ModuleLibrary lib = new ModuleLibrary(store);
    List<ModuleLibrary.Entry> done = lib.publish(built(make(REAL_MAP)));
    String at = ModuleLibrary.PREFIX + RELEASE + "/";
    assertThat(done.get(0).kernelFiles()).containsExactly("btf", "isf.json", "symbols.json");
    assertThat(store.objects).containsKeys(at + "lime.ko", at + "lime.ko.sha256", at + "btf", at + "isf.json", at + "symbols.json");
    assertThat(store.objects.get(at + "btf")).isEqualTo(tinyBtf());
    assertThat(store.order.get(store.order.size() - 1)).isEqualTo(at + "symbols.json");
    assertThat(lib.list()).singleElement().satisfies(e -> {
      assertThat(e.release().value()).isEqualTo(RELEASE);
      assertThat(e.kernelFiles()).containsExactlyInAnyOrder("btf", "isf.json", "symbols.json");
    });
  }

  @Test
  void publish_moduleWithoutKernelFiles_asBefore() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("plain").resolve(RELEASE));
    Files.write(dir.resolve("lime.ko"), TestModules.fake(RELEASE));
    MemoryStore store = new MemoryStore();
    ModuleLibrary lib = new ModuleLibrary(store);
    assertThat(lib.publish(dir.getParent()).get(0).kernelFiles()).isEmpty();
    assertThat(store.objects.keySet()).containsExactlyInAnyOrder("lime/" + RELEASE + "/lime.ko", "lime/" + RELEASE + "/lime.ko.sha256");
    assertThat(lib.list().get(0).kernelFiles()).isEmpty();
  }

  @Test
  void publish_btfNotWhatTheIndexSays_nothingUploaded() throws IOException {
    Path out = built(make(DEBIAN_PLACEHOLDER));
    Files.write(out.resolve(RELEASE).resolve("btf"), new byte[] {1, 2, 3});
    MemoryStore store = new MemoryStore();
    assertThatThrownBy(() -> new ModuleLibrary(store).publish(out)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("btf").hasMessageContaining("symbols.json says");
    assertThat(store.objects).isEmpty();
    Files.delete(out.resolve(RELEASE).resolve("btf"));
    assertThatThrownBy(() -> new ModuleLibrary(store).publish(out)).hasMessageContaining("lists btf, which is missing");
    assertThat(store.objects).isEmpty();
  }

  @Test
  void publish_indexOfAnotherKernel_refused() throws IOException {
    KernelSymbols.Made other = KernelSymbols.make(KernelRelease.of("6.1.0-99-amd64"), PKG, "vmlinuz", vmlinuz, "System.map", null);
    Path out = built(other);
    assertThatThrownBy(() -> new ModuleLibrary(new MemoryStore()).publish(out)).hasMessageContaining("describes kernel '6.1.0-99-amd64'");
  }

  @Test
  void bootFiles_fromADebsDataArchive_onlyTheNamedOnes() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb missing: skipped");
    Path root = tmp.resolve("pkg");
    Files.createDirectories(root.resolve("DEBIAN"));
    Files.writeString(root.resolve("DEBIAN/control"), "Package: linux-image-test\nVersion: 1\nArchitecture: amd64\n"
        + "Maintainer: Test <test@example.org>\nDescription: test\n");
    Files.createDirectories(root.resolve("boot"));
    Files.write(root.resolve("boot/vmlinuz-" + RELEASE), vmlinuz);
    Files.write(root.resolve("boot/System.map-" + RELEASE), DEBIAN_PLACEHOLDER);
    Files.createDirectories(root.resolve("lib/modules/" + RELEASE));
    Files.write(root.resolve("lib/modules/" + RELEASE + "/modules.dep"), new byte[100]);
    Path deb = tmp.resolve("linux-image-test.deb");
    Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(), deb.toString())
        .redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(said).isZero();
    Map<String, byte[]> files = ModuleBuilder.bootFiles(deb, Set.of("boot/vmlinuz-" + RELEASE, "boot/System.map-" + RELEASE));
    assertThat(files).containsOnlyKeys("boot/vmlinuz-" + RELEASE, "boot/System.map-" + RELEASE);
    assertThat(files.get("boot/vmlinuz-" + RELEASE)).isEqualTo(vmlinuz);
    assertThat(ModuleBuilder.bootFiles(deb, Set.of("boot/nothing"))).isEmpty();
  }
}
