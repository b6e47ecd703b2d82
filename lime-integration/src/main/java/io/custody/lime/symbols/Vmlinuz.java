package io.custody.lime.symbols;

import com.github.luben.zstd.ZstdInputStream;
import io.custody.evidence.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.SingleXZInputStream;

/**
 * A kernel image read as hostile input: an x86 bzImage ({@code /boot/vmlinuz-*}) or a plain ELF64
 * vmlinux, and from it the kernel's {@code .BTF} section and its banner.
 *
 * <p>A bzImage (boot protocol 2.08 or later, {@code Documentation/arch/x86/boot.rst}) is a setup
 * header and a compressed payload: {@code setup_sects} at 0x1f1, "HdrS" at 0x202, the protocol
 * version at 0x206, {@code payload_offset} and {@code payload_length} at 0x248 and 0x24c, counted
 * from the protected-mode code at {@code (setup_sects + 1) * 512}. The payload is the stripped
 * vmlinux (ELF, with the relocations appended), compressed, followed by its decompressed size as a
 * 32-bit little-endian number (the kernel build's {@code size_append}), which bounds the
 * decompression and must match it. Payloads compressed with xz (Debian's and Ubuntu's kernels), zstd,
 * gzip, bzip2 and lzma are read; lz4 and lzo are not (no reader for the kernel's legacy lz4 framing
 * or for lzo is at hand), and are refused naming the format.
 *
 * <p>The vmlinux inside a bzImage is stripped: it has section headers ({@code .text}, {@code
 * .rodata}, {@code .BTF}, …) but no {@code .symtab}, so symbol addresses come from elsewhere (a real
 * System.map, or the running kernel's {@code /proc/kallsyms}). {@link #hasSymtab()} says whether this
 * one has one.
 *
 * <p>Every size, offset and count is checked against the data; a malformed image is an {@link
 * InvalidInputException} naming the file and the byte offset (in the image, or in the decompressed
 * vmlinux when the fault is there).
 */
public final class Vmlinuz {

  /** The largest image file read (a bzImage is 5–15 MiB; a plain vmlinux with debug info can be hundreds). */
  public static final int MAX_FILE = 512 << 20;
  /** The largest decompressed vmlinux (a distribution kernel's is 60–80 MiB). */
  public static final int MAX_VMLINUX = 512 << 20;
  /** The most ELF section headers (a vmlinux has ~40; a vmlinux with debug info ~80). */
  static final int MAX_SECTIONS = 65_536;
  /** The longest banner read ("Linux version …", about 200 bytes). */
  static final int MAX_BANNER = 1024;

  /**
   * The most memory, in KiB, an xz or lzma decoder may take (its dictionary: the kernel's xz uses
   * 32 MiB, {@code lzma -9} 64 MiB); a payload asking for more is refused, not allocated.
   */
  static final int DICTIONARY_KIB = 128 << 10;

  private static final int SHT_NOBITS = 8;
  private static final byte[] BANNER = "Linux version ".getBytes(StandardCharsets.US_ASCII);

  /** An ELF section: name, type, and where its bytes are in the vmlinux. */
  public record Section(String name, int type, long offset, long size) {}

  private final String name;
  private final String format;
  private final String compression;
  private final int bootProtocol;
  private final byte[] vmlinux;
  private final List<Section> sections;

  private Vmlinuz(String name, String format, String compression, int bootProtocol, byte[] vmlinux, List<Section> sections) {
    this.name = name;
    this.format = format;
    this.compression = compression;
    this.bootProtocol = bootProtocol;
    this.vmlinux = vmlinux;
    this.sections = sections;
  }

  /** {@code bzImage} or {@code elf} (a plain vmlinux). */
  public String format() {
    return format;
  }

  /** How the bzImage's payload was compressed ({@code xz}, {@code zstd}, {@code gzip}, {@code bzip2}, {@code lzma}); {@code none} for a plain vmlinux. */
  public String compression() {
    return compression;
  }

  /** The bzImage's boot protocol version (e.g. 0x20f); 0 for a plain vmlinux. */
  public int bootProtocol() {
    return bootProtocol;
  }

  /** The decompressed vmlinux's size in bytes (with the relocations the bzImage appends). */
  public long vmlinuxSize() {
    return vmlinux.length;
  }

  /** The vmlinux's ELF sections, in header order. */
  public List<Section> sections() {
    return sections;
  }

  /** Whether the vmlinux has a {@code .symtab} (a bzImage's never has: it is stripped). */
  public boolean hasSymtab() {
    return section(".symtab").isPresent();
  }

  public Optional<Section> section(String sectionName) {
    return sections.stream().filter(s -> s.name().equals(sectionName)).findFirst();
  }

  /**
   * The raw {@code .BTF} section, as {@code /sys/kernel/btf/vmlinux} gives it on the running kernel.
   *
   * @throws InvalidInputException when the vmlinux has no {@code .BTF} (a kernel built without
   *     CONFIG_DEBUG_INFO_BTF) or it is larger than {@link Btf#MAX_SIZE}
   */
  public byte[] btf() {
    Section s = section(".BTF").orElseThrow(() -> new InvalidInputException("Failed to read the BTF of '" + name
        + "': its vmlinux has no .BTF section (a kernel built without CONFIG_DEBUG_INFO_BTF)"));
    if (s.type() == SHT_NOBITS || s.size() > Btf.MAX_SIZE) {
      throw new InvalidInputException("Failed to read the BTF of '" + name + "' at byte " + s.offset() + " of its vmlinux: a .BTF section of "
          + s.size() + " bytes" + (s.type() == SHT_NOBITS ? " that holds no data (NOBITS)" : " (at most " + Btf.MAX_SIZE + " read)"));
    }
    return Arrays.copyOfRange(vmlinux, (int) s.offset(), (int) (s.offset() + s.size()));
  }

  /**
   * The kernel's banner ({@code linux_banner}, what {@code /proc/version} prints): the first
   * "Linux version …" up to its newline in {@code .rodata} (the whole vmlinux when it has no such
   * section) that names {@code release}; without the newline. Kernels from 6.1 hold two: {@code
   * init/version.c}'s weak one, whose version reads "# SMP …" (no build number), and the one {@code
   * init/version-timestamp.c} links in, "#1 SMP …", which is what runs and what /proc/version prints:
   * a banner with a build number after its '#' is preferred.
   */
  public Optional<String> banner(String release) {
    String first = null;
    Section ro = section(".rodata").filter(s -> s.type() != SHT_NOBITS).orElse(null);
    int from = ro == null ? 0 : (int) ro.offset();
    int to = ro == null ? vmlinux.length : (int) (ro.offset() + ro.size());
    for (int at = indexOf(vmlinux, BANNER, from, to); at >= 0; at = indexOf(vmlinux, BANNER, at + 1, to)) {
      int end = at;
      int max = Math.min(to, at + MAX_BANNER);
      while (end < max && vmlinux[end] != '\n' && vmlinux[end] != 0) {
        end++;
      }
      if (end < max && vmlinux[end] == '\n') {
        String text = new String(vmlinux, at, end - at, StandardCharsets.UTF_8);
        if (text.contains(release)) {
          if (BUILD_NUMBER.matcher(text).find()) {
            return Optional.of(text);
          }
          first = first == null ? text : first;
        }
      }
    }
    return Optional.ofNullable(first);
  }

  private static final java.util.regex.Pattern BUILD_NUMBER = java.util.regex.Pattern.compile("\\) #[0-9]");

  /**
   * @throws InvalidInputException when the file cannot be read, is too large, or is not a kernel image
   */
  public static Vmlinuz read(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE) {
        throw new InvalidInputException("Failed to read kernel image '" + file + "': " + size + " bytes (at most " + MAX_FILE + " read)");
      }
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read kernel image '" + file + "': " + e.getMessage(), e);
    }
  }

  /**
   * @param name the file's name, for messages
   * @throws InvalidInputException when the data is neither a bzImage nor an ELF64 vmlinux, or is malformed
   */
  public static Vmlinuz parse(byte[] data, String name) {
    return parse(data, name, MAX_VMLINUX);
  }

  static Vmlinuz parse(byte[] data, String name, int maxVmlinux) {
    if (data.length > MAX_FILE) {
      throw bad(name, 0, data.length + " bytes (at most " + MAX_FILE + " read)");
    }
    if (data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F') {
      return new Vmlinuz(name, "elf", "none", 0, data, sections(data, name, ""));
    }
    if (data.length < 0x250) {
      throw bad(name, 0, "only " + data.length + " bytes: neither an ELF vmlinux nor a bzImage (its setup header ends at byte 0x250)");
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0x202) != 0x53726448) { // "HdrS"
      throw bad(name, 0x202, "no \"HdrS\" setup header signature: neither an ELF vmlinux nor a bzImage");
    }
    int protocol = b.getShort(0x206) & 0xffff;
    if (protocol < 0x208) {
      throw bad(name, 0x206, String.format("boot protocol %d.%02d, which does not say where the kernel payload is (2.08 or later expected)",
          protocol >> 8, protocol & 0xff));
    }
    int setupSects = data[0x1f1] & 0xff;
    if (setupSects == 0) {
      setupSects = 4; // the boot protocol's rule for old images
    }
    long base = (setupSects + 1L) * 512;
    long payloadOffset = Integer.toUnsignedLong(b.getInt(0x248));
    long payloadLength = Integer.toUnsignedLong(b.getInt(0x24c));
    long start = base + payloadOffset;
    if (payloadLength < 8) {
      throw bad(name, 0x24c, "a payload of " + payloadLength + " bytes (at least 8 expected: compressed data and its size)");
    }
    if (start + payloadLength > data.length) {
      throw bad(name, 0x248, "the payload (" + payloadLength + " bytes at " + payloadOffset + " after the " + base
          + "-byte setup) lies outside the " + data.length + " bytes of the file");
    }
    int from = (int) start;
    int end = (int) (start + payloadLength - 4); // the last 4 bytes: the decompressed size
    long declared = Integer.toUnsignedLong(b.getInt(end));
    if (declared > maxVmlinux) {
      throw bad(name, end, "the payload declares a " + declared + "-byte vmlinux (at most " + maxVmlinux + " decompressed)");
    }
    String method = method(data, from, end);
    byte[] vmlinux = decompress(data, from, end, method, (int) declared, name);
    if (vmlinux.length < 4 || vmlinux[0] != 0x7f || vmlinux[1] != 'E' || vmlinux[2] != 'L' || vmlinux[3] != 'F') {
      throw bad(name, start, "the " + method + " payload holds no ELF vmlinux");
    }
    return new Vmlinuz(name, "bzImage", method, protocol, vmlinux, sections(vmlinux, name, " of its vmlinux"));
  }

  /** The payload's compression, by its magic. */
  private static String method(byte[] d, int at, int end) {
    if (startsWith(d, at, end, 0xfd, '7', 'z', 'X', 'Z', 0)) {
      return "xz";
    }
    if (startsWith(d, at, end, 0x28, 0xb5, 0x2f, 0xfd)) {
      return "zstd";
    }
    if (startsWith(d, at, end, 0x1f, 0x8b)) {
      return "gzip";
    }
    if (startsWith(d, at, end, 'B', 'Z', 'h')) {
      return "bzip2";
    }
    if (startsWith(d, at, end, 0x5d, 0, 0)) {
      return "lzma";
    }
    if (startsWith(d, at, end, 0x02, 0x21, 0x4c, 0x18)) {
      return "lz4";
    }
    if (startsWith(d, at, end, 0x89, 'L', 'Z', 'O')) {
      return "lzo";
    }
    return "unknown";
  }

  private static byte[] decompress(byte[] data, int from, int end, String method, int declared, String name) {
    InputStream raw = new ByteArrayInputStream(data, from, end - from);
    try (InputStream in = switch (method) {
      case "xz" -> new SingleXZInputStream(raw, DICTIONARY_KIB);
      case "zstd" -> new ZstdInputStream(raw);
      case "gzip" -> new GZIPInputStream(raw, 65536);
      case "bzip2" -> new BZip2CompressorInputStream(raw);
      case "lzma" -> new LZMAInputStream(raw, DICTIONARY_KIB);
      case "lz4", "lzo" -> throw bad(name, from, "a payload compressed with " + method
          + ", which is not supported (xz, zstd, gzip, bzip2 and lzma are); decompress it with the kernel's scripts/extract-vmlinux");
      default -> throw bad(name, from, String.format("a payload of unknown compression (magic %02x %02x %02x %02x)",
          data[from], data[from + 1], data[from + 2], data[from + 3]));
    }) {
      byte[] out = in.readNBytes(declared);
      if (out.length < declared) {
        throw bad(name, from, "the " + method + " payload ends after " + out.length + " bytes, but declares " + declared);
      }
      if (in.read() >= 0) {
        throw bad(name, from, "the " + method + " payload decompresses to more than the " + declared + " bytes it declares");
      }
      return out;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException i) {
        throw i;
      }
      throw bad(name, from, "the " + method + " payload does not decompress: " + e.getMessage(), e);
    }
  }

  /** The ELF64 little-endian section headers, bounded; names from the section-name string table. */
  private static List<Section> sections(byte[] d, String name, String where) {
    if (d.length < 64) {
      throw badElf(name, where, 0, "an ELF header of " + d.length + " bytes (64 expected)");
    }
    if (d[4] != 2 || d[5] != 1) {
      throw badElf(name, where, 4, "ELF class " + d[4] + ", data " + d[5] + " (ELF64 little-endian, an x86-64 vmlinux, expected)");
    }
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = b.getLong(0x28);
    int shentsize = b.getShort(0x3a) & 0xffff;
    long shnum = b.getShort(0x3c) & 0xffff;
    int shstrndx = b.getShort(0x3e) & 0xffff;
    if (shoff == 0) {
      throw badElf(name, where, 0x28, "no section headers (e_shoff 0)");
    }
    if (shentsize != 64) {
      throw badElf(name, where, 0x3a, "section headers of " + shentsize + " bytes (64 expected)");
    }
    if (shoff < 0 || shoff > d.length - 64L) {
      throw badElf(name, where, 0x28, "the section headers start at byte " + Long.toUnsignedString(shoff) + ", outside the " + d.length + " bytes");
    }
    if (shnum == 0) { // more than 0xff00 sections: the count is section 0's sh_size
      shnum = b.getLong((int) shoff + 32);
    }
    if (shstrndx == 0xffff) { // SHN_XINDEX: the index is section 0's sh_link
      shstrndx = b.getInt((int) shoff + 40);
    }
    if (shnum <= 0 || shnum > MAX_SECTIONS || shoff + shnum * 64 > d.length) {
      throw badElf(name, where, 0x3c, Long.toUnsignedString(shnum) + " section headers at byte " + shoff + " (at most " + MAX_SECTIONS
          + ", within the " + d.length + " bytes)");
    }
    if (shstrndx <= 0 || shstrndx >= shnum) {
      throw badElf(name, where, 0x3e, "the section-name table is section " + Integer.toUnsignedString(shstrndx) + " of " + shnum);
    }
    long[] strtab = header(b, d, (int) (shoff + 64L * shstrndx), name, where);
    if (strtab[1] == SHT_NOBITS) {
      throw badElf(name, where, shoff + 64L * shstrndx, "the section-name table holds no data (NOBITS)");
    }
    List<Section> out = new ArrayList<>((int) shnum);
    for (int i = 0; i < shnum; i++) {
      int at = (int) (shoff + 64L * i);
      long[] h = header(b, d, at, name, where);
      long nameOff = Integer.toUnsignedLong((int) h[0]);
      if (i > 0 && nameOff >= strtab[3]) {
        throw badElf(name, where, at, "section " + i + "'s name offset " + nameOff + " lies outside the " + strtab[3] + "-byte section-name table");
      }
      String sname = i == 0 ? "" : string(d, (int) (strtab[2] + nameOff), (int) (strtab[2] + strtab[3]));
      out.add(new Section(sname, (int) h[1], h[2], h[3]));
    }
    return List.copyOf(out);
  }

  /** sh_name, sh_type, sh_offset, sh_size of the header at {@code at}; the data it names must lie in the file (unless NOBITS). */
  private static long[] header(ByteBuffer b, byte[] d, int at, String name, String where) {
    int type = b.getInt(at + 4);
    long offset = b.getLong(at + 24);
    long size = b.getLong(at + 32);
    if (type != SHT_NOBITS && (offset < 0 || size < 0 || offset > d.length || size > d.length - offset)) {
      throw badElf(name, where, at, "a section of " + Long.toUnsignedString(size) + " bytes at byte " + Long.toUnsignedString(offset)
          + " lies outside the " + d.length + " bytes");
    }
    return new long[] {Integer.toUnsignedLong(b.getInt(at)), type, offset, size};
  }

  private static String string(byte[] d, int from, int limit) {
    int end = from;
    int max = Math.min(limit, from + 256);
    while (end < max && d[end] != 0) {
      end++;
    }
    return new String(d, from, end - from, StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] d, int at, int end, int... magic) {
    if (end - at < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((d[at + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] d, byte[] what, int from, int to) {
    outer:
    for (int i = Math.max(0, from); i <= to - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (d[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static InvalidInputException bad(String name, long offset, String what) {
    return new InvalidInputException("Failed to read kernel image '" + name + "' at byte " + offset + ": " + what);
  }

  private static InvalidInputException bad(String name, long offset, String what, Throwable cause) {
    return new InvalidInputException("Failed to read kernel image '" + name + "' at byte " + offset + ": " + what, cause);
  }

  private static InvalidInputException badElf(String name, String where, long offset, String what) {
    return new InvalidInputException("Failed to read kernel image '" + name + "' at byte " + offset + where + ": " + what);
  }
}
