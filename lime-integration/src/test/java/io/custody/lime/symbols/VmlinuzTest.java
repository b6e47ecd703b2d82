package io.custody.lime.symbols;

import static io.custody.lime.symbols.TestImages.BANNER;
import static io.custody.lime.symbols.TestImages.RELEASE;
import static io.custody.lime.symbols.TestImages.bzImage;
import static io.custody.lime.symbols.TestImages.compress;
import static io.custody.lime.symbols.TestImages.elf;
import static io.custody.lime.symbols.TestImages.tinyBtf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel-image reader on bzImages the test makes (a setup header and a compressed tiny ELF
 * vmlinux with {@code .rodata} and {@code .BTF}), hostile ones, and, where this machine has it, the
 * LiME test guest's Debian vmlinuz checked against Python's lzma and objcopy.
 */
class VmlinuzTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"xz", "zstd", "gzip", "bzip2", "lzma"})
  void bzImage_eachCompression_btfAndBannerOut(String method) throws IOException {
    byte[] vmlinux = elf(tinyBtf());
    Vmlinuz v = Vmlinuz.parse(bzImage(method, vmlinux), "vmlinuz-test");
    assertThat(v.format()).isEqualTo("bzImage");
    assertThat(v.compression()).isEqualTo(method);
    assertThat(v.bootProtocol()).isEqualTo(0x20f);
    assertThat(v.vmlinuxSize()).isEqualTo(vmlinux.length);
    assertThat(v.btf()).isEqualTo(tinyBtf());
    assertThat(Btf.parse(v.btf(), "btf").type(1).name()).isEqualTo("int");
    assertThat(v.hasSymtab()).isFalse();
    assertThat(v.sections()).extracting(Vmlinuz.Section::name).containsExactly("", ".text", ".rodata", ".BTF", ".shstrtab");
    assertThat(v.banner(RELEASE)).contains(BANNER);
    assertThat(v.banner("6.99.0-none")).isEmpty();
  }

  @Test
  void plainElfVmlinux_readAsIs() throws IOException {
    Path f = Files.write(tmp.resolve("vmlinux"), elf(tinyBtf()));
    Vmlinuz v = Vmlinuz.read(f);
    assertThat(v.format()).isEqualTo("elf");
    assertThat(v.compression()).isEqualTo("none");
    assertThat(v.btf()).isEqualTo(tinyBtf());
    assertThat(v.banner(RELEASE)).contains(BANNER);
  }

  @Test
  void noBtfSection_saysWhy() throws IOException {
    Vmlinuz v = Vmlinuz.parse(bzImage("xz", elf(null)), "vmlinuz-nobtf");
    assertThatThrownBy(v::btf).isInstanceOf(InvalidInputException.class).hasMessageContaining("vmlinuz-nobtf")
        .hasMessageContaining("no .BTF section").hasMessageContaining("CONFIG_DEBUG_INFO_BTF");
  }

  @Test
  void hostileHeaders_refusedWithFileAndOffset() throws IOException {
    byte[] good = bzImage("xz", elf(tinyBtf()));
    assertThatThrownBy(() -> Vmlinuz.parse(Arrays.copyOf(good, 0x230), "cut")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'cut' at byte 0").hasMessageContaining("only 560 bytes");
    byte[] noSig = good.clone();
    noSig[0x202] = 'X';
    assertThatThrownBy(() -> Vmlinuz.parse(noSig, "nosig")).hasMessageContaining("'nosig' at byte 514").hasMessageContaining("HdrS");
    byte[] old = good.clone();
    old[0x206] = 0x05;
    assertThatThrownBy(() -> Vmlinuz.parse(old, "old")).hasMessageContaining("at byte 518").hasMessageContaining("boot protocol 2.05");
    byte[] beyond = good.clone();
    ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24c, good.length);
    assertThatThrownBy(() -> Vmlinuz.parse(beyond, "beyond")).hasMessageContaining("'beyond' at byte 584").hasMessageContaining("lies outside");
    byte[] farOffset = good.clone();
    ByteBuffer.wrap(farOffset).order(ByteOrder.LITTLE_ENDIAN).putInt(0x248, -1);
    assertThatThrownBy(() -> Vmlinuz.parse(farOffset, "far")).hasMessageContaining("at byte 584").hasMessageContaining("lies outside");
    byte[] truncated = Arrays.copyOf(good, good.length - 200); // the payload's end cut off
    assertThatThrownBy(() -> Vmlinuz.parse(truncated, "truncated")).hasMessageContaining("at byte 584").hasMessageContaining("lies outside");
  }

  @Test
  void unsupportedOrUnknownCompression_named() {
    byte[] lz4 = bzImage(new byte[] {0x02, 0x21, 0x4c, 0x18, 1, 2, 3, 4}, 100);
    assertThatThrownBy(() -> Vmlinuz.parse(lz4, "lz4")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'lz4' at byte 2304").hasMessageContaining("compressed with lz4, which is not supported");
    byte[] lzo = bzImage(new byte[] {(byte) 0x89, 'L', 'Z', 'O', 0, 0x0d, 0x0a, 0x1a}, 100);
    assertThatThrownBy(() -> Vmlinuz.parse(lzo, "lzo")).hasMessageContaining("compressed with lzo");
    byte[] junk = bzImage(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 100);
    assertThatThrownBy(() -> Vmlinuz.parse(junk, "junk")).hasMessageContaining("unknown compression (magic 01 02 03 04)");
  }

  @Test
  void decompressionBomb_bounded() throws IOException {
    byte[] zeros = new byte[4 << 20];
    byte[] xz = compress("xz", zeros);
    assertThat(xz.length).isLessThan(4096);
    // declared honestly but more than the bound: refused before decompressing
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage(xz, zeros.length), "bomb", 1 << 20)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("declares a 4194304-byte vmlinux (at most 1048576 decompressed)");
    // declared small, decompressing to more: stopped after the declared size
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage(xz, 1000), "liar")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("decompresses to more than the 1000 bytes it declares");
    // the default bound: a declared size over 512 MiB
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage(xz, -1), "huge")).hasMessageContaining("declares a 4294967295-byte vmlinux");
    // declared large, ending early
    byte[] elf = elf(tinyBtf());
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage(compress("zstd", elf), elf.length + 10), "short"))
        .hasMessageContaining("ends after " + elf.length + " bytes, but declares " + (elf.length + 10));
  }

  @Test
  void corruptPayload_saysItDoesNotDecompress() throws IOException {
    byte[] elf = elf(tinyBtf());
    byte[] xz = compress("xz", elf);
    xz[xz.length / 2] ^= 0x55;
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage(xz, elf.length), "corrupt")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'corrupt' at byte 2304").hasMessageContaining("xz payload");
    byte[] notElf = new byte[1000];
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage("gzip", notElf), "notelf")).hasMessageContaining("holds no ELF vmlinux");
  }

  @Test
  void hostileElf_sectionTableOutOfRange_refusedWithTheOffset() throws IOException {
    byte[] good = elf(tinyBtf());
    ByteBuffer g = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
    int shoff = (int) g.getLong(0x28);

    byte[] farTable = good.clone();
    ByteBuffer.wrap(farTable).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, 1L << 40);
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage("xz", farTable), "far")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'far' at byte 40 of its vmlinux").hasMessageContaining("section headers start at byte 1099511627776");
    assertThatThrownBy(() -> Vmlinuz.parse(farTable, "far-elf")).hasMessageContaining("'far-elf' at byte 40:");

    byte[] manySections = good.clone();
    ByteBuffer.wrap(manySections).order(ByteOrder.LITTLE_ENDIAN).putShort(0x3c, (short) 5000);
    assertThatThrownBy(() -> Vmlinuz.parse(manySections, "many")).hasMessageContaining("at byte 60").hasMessageContaining("5000 section headers");

    byte[] extended = good.clone(); // e_shnum 0: the count in section 0's sh_size, here absurd
    ByteBuffer e = ByteBuffer.wrap(extended).order(ByteOrder.LITTLE_ENDIAN);
    e.putShort(0x3c, (short) 0).putLong(shoff + 32, Long.MAX_VALUE);
    assertThatThrownBy(() -> Vmlinuz.parse(extended, "extended")).hasMessageContaining("9223372036854775807 section headers");

    byte[] badStrndx = good.clone();
    ByteBuffer.wrap(badStrndx).order(ByteOrder.LITTLE_ENDIAN).putShort(0x3e, (short) 9);
    assertThatThrownBy(() -> Vmlinuz.parse(badStrndx, "strndx")).hasMessageContaining("at byte 62").hasMessageContaining("section 9 of 5");

    byte[] btfOutside = good.clone(); // .BTF (section 3) claims bytes past the end
    ByteBuffer.wrap(btfOutside).order(ByteOrder.LITTLE_ENDIAN).putLong(shoff + 64 * 3 + 24, good.length - 10L);
    assertThatThrownBy(() -> Vmlinuz.parse(bzImage("zstd", btfOutside), "btf")).hasMessageContaining("at byte " + (shoff + 64 * 3) + " of its vmlinux")
        .hasMessageContaining("lies outside");

    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(shoff + 64 * 3 + 32, -8L);
    assertThatThrownBy(() -> Vmlinuz.parse(negative, "negative")).hasMessageContaining("a section of 18446744073709551608 bytes");

    byte[] nameOutside = good.clone();
    ByteBuffer.wrap(nameOutside).order(ByteOrder.LITTLE_ENDIAN).putInt(shoff + 64 * 2, 100_000);
    assertThatThrownBy(() -> Vmlinuz.parse(nameOutside, "name")).hasMessageContaining("section 2's name offset 100000");

    byte[] elf32 = good.clone();
    elf32[4] = 1;
    assertThatThrownBy(() -> Vmlinuz.parse(elf32, "elf32")).hasMessageContaining("at byte 4").hasMessageContaining("ELF64 little-endian");
    assertThatThrownBy(() -> Vmlinuz.parse(Arrays.copyOf(good, 40), "tiny")).hasMessageContaining("an ELF header of 40 bytes");
  }

  @Test
  void mutatedImages_giveAnImageOrInvalidInput() throws IOException {
    byte[] vmlinux = elf(tinyBtf());
    Random r = new Random(19);
    for (String method : List.of("xz", "zstd", "gzip")) {
      byte[] good = bzImage(method, vmlinux);
      for (int n = 0; n < 400; n++) {
        byte[] m = good.clone();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          int at = r.nextInt(4) == 0 ? 0x1f0 + r.nextInt(0x60) : r.nextInt(m.length); // the header fields more often
          m[at] = (byte) r.nextInt(256);
        }
        try {
          Vmlinuz v = Vmlinuz.parse(m, "mutant");
          v.banner(RELEASE);
          Btf.parse(v.btf(), "mutant");
        } catch (InvalidInputException expected) {
          // said, not thrown otherwise
        }
      }
    }
  }

  /** The LiME test guest's kernel (scripts/lime-guest), where this machine has built it. */
  static Path guestVmlinuz() throws IOException {
    String c = System.getenv("CUSTODY_CACHE");
    Path guest = (c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache", "custody")).resolve("guest");
    if (!Files.isDirectory(guest)) {
      return null;
    }
    try (Stream<Path> s = Files.list(guest)) {
      return s.map(d -> d.resolve("vmlinuz")).filter(Files::isRegularFile).sorted().findFirst().orElse(null);
    }
  }

  @Test
  void debianVmlinuz_btfAsObjcopyExtractsIt() throws Exception {
    Path vmlinuz = guestVmlinuz();
    assumeTrue(vmlinuz != null, "no LiME test guest on this machine (scripts/lime-guest build): skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/objcopy")), "objcopy missing: skipped");
    String release = Files.readString(vmlinuz.resolveSibling("release")).strip();
    // the reference: Python's lzma on the xz stream (found by its magic, as the kernel's
    // scripts/extract-vmlinux finds it), then objcopy's copy of the .BTF section
    Path vmlinux = tmp.resolve("vmlinux");
    Path ref = tmp.resolve("btf");
    Process py = new ProcessBuilder("python3", "-c", "import lzma, sys\n"
        + "d = open(sys.argv[1], 'rb').read()\n"
        + "at = d.index(b'\\xfd7zXZ\\x00')\n"
        + "open(sys.argv[2], 'wb').write(lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(d[at:]))\n",
        vmlinuz.toString(), vmlinux.toString()).redirectErrorStream(true).start();
    String said = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(py.waitFor() == 0, "python3 could not decompress the image: " + said);
    Process oc = new ProcessBuilder("/usr/bin/objcopy", "-O", "binary", "--only-section=.BTF", vmlinux.toString(), ref.toString())
        .redirectErrorStream(true).start();
    said = new String(oc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(oc.waitFor()).as(said).isZero();

    Vmlinuz v = Vmlinuz.read(vmlinuz);
    assertThat(v.compression()).isEqualTo("xz");
    assertThat(v.bootProtocol()).isGreaterThanOrEqualTo(0x208);
    assertThat(v.hasSymtab()).as("a bzImage's vmlinux is stripped").isFalse();
    byte[] btf = v.btf();
    assertThat(btf).isEqualTo(Files.readAllBytes(ref));
    assertThat(Btf.parse(btf, "btf").count()).isGreaterThan(100_000);
    // the banner the running kernel prints (with its build number: "#1 SMP"), not 6.1's weak placeholder ("# SMP")
    assertThat(v.banner(release)).hasValueSatisfying(b -> assertThat(b).startsWith("Linux version " + release + " ").doesNotContain("\n")
        .containsPattern("\\) #[0-9]+ "));
  }
}
