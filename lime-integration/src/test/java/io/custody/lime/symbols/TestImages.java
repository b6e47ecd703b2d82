package io.custody.lime.symbols;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Kernel images for tests, made here: a tiny ELF64 vmlinux ({@code .text}, {@code .rodata} with a
 * decoy banner and the real one, {@code .BTF} of one type) and bzImages holding it compressed.
 */
public final class TestImages {

  public static final String RELEASE = "6.1.0-test-amd64";
  public static final String BANNER = "Linux version " + RELEASE
      + " (debian-kernel@lists.debian.org) (gcc-12) #1 SMP PREEMPT_DYNAMIC Debian 6.1.0-1";

  private TestImages() {}

  /** A BTF of one type, {@code int}. */
  public static byte[] tinyBtf() {
    ByteBuffer b = ByteBuffer.allocate(24 + 16 + 5).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(16).putInt(16).putInt(5);
    b.putInt(1).putInt(Btf.INT << 24).putInt(4).putInt(0x01000020); // "int": signed, 32 bits, 4 bytes
    b.put("\0int\0".getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** An ELF64 little-endian vmlinux: NULL, .text, .rodata (a decoy banner, then the real one), .BTF (if given), .shstrtab. */
  public static byte[] elf(byte[] btf) {
    byte[] text = new byte[256];
    Arrays.fill(text, (byte) 0x90);
    byte[] rodata = ("%s version %s\0Linux version 5.10.0-other (decoy)\n\0" + BANNER + "\n\0more strings\0").getBytes(StandardCharsets.US_ASCII);
    String names = "\0.text\0.rodata\0.BTF\0.shstrtab\0";
    byte[] shstr = names.getBytes(StandardCharsets.US_ASCII);
    int textOff = 64;
    int roOff = textOff + text.length;
    int btfOff = roOff + rodata.length;
    int strOff = btfOff + (btf == null ? 0 : btf.length);
    int shoff = (strOff + shstr.length + 7) & ~7;
    int shnum = btf == null ? 4 : 5;
    ByteBuffer b = ByteBuffer.allocate(shoff + 64 * shnum).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(0x28, shoff);
    b.putShort(0x34, (short) 64).putShort(0x3a, (short) 64).putShort(0x3c, (short) shnum).putShort(0x3e, (short) (shnum - 1));
    b.put(textOff, text).put(roOff, rodata).put(strOff, shstr);
    if (btf != null) {
      b.put(btfOff, btf);
    }
    int i = 1;
    section(b, shoff, i++, names.indexOf(".text"), 1, textOff, text.length);
    section(b, shoff, i++, names.indexOf(".rodata"), 1, roOff, rodata.length);
    if (btf != null) {
      section(b, shoff, i++, names.indexOf(".BTF"), 1, btfOff, btf.length);
    }
    section(b, shoff, i, names.indexOf(".shstrtab"), 3, strOff, shstr.length);
    return b.array();
  }

  private static void section(ByteBuffer b, int shoff, int index, int name, int type, long offset, long size) {
    int at = shoff + 64 * index;
    b.putInt(at, name).putInt(at + 4, type).putLong(at + 24, offset).putLong(at + 32, size);
  }

  public static byte[] compress(String method, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c = switch (method) {
      // as the kernel's scripts/xz_wrap.sh: the x86 BCJ filter, then LZMA2, CRC32
      case "xz" -> new XZOutputStream(out, new org.tukaani.xz.FilterOptions[] {new X86Options(), new LZMA2Options(1)}, XZ.CHECK_CRC32);
      case "zstd" -> new ZstdOutputStream(out, 19);
      case "gzip" -> new GZIPOutputStream(out);
      case "bzip2" -> new BZip2CompressorOutputStream(out);
      case "lzma" -> new LZMAOutputStream(out, new LZMA2Options(1), -1);
      default -> throw new IllegalArgumentException(method);
    }) {
      c.write(data);
    }
    return out.toByteArray();
  }

  /** A bzImage: setup sectors with the header, protected-mode bytes, the payload with its size appended (size_append). */
  public static byte[] bzImage(byte[] compressed, int declaredSize) {
    int setupSects = 3;
    int base = (setupSects + 1) * 512;
    int payloadOffset = 0x100;
    byte[] payload = ByteBuffer.allocate(compressed.length + 4).order(ByteOrder.LITTLE_ENDIAN).put(compressed).putInt(declaredSize).array();
    ByteBuffer b = ByteBuffer.allocate(base + payloadOffset + payload.length + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z');
    b.put(0x1f1, (byte) setupSects).putShort(0x1fe, (short) 0xaa55).putInt(0x202, 0x53726448).putShort(0x206, (short) 0x20f);
    b.putInt(0x248, payloadOffset).putInt(0x24c, payload.length);
    b.put(base + payloadOffset, payload);
    return b.array();
  }

  public static byte[] bzImage(String method, byte[] vmlinux) throws IOException {
    return bzImage(compress(method, vmlinux), vmlinux.length);
  }
}
