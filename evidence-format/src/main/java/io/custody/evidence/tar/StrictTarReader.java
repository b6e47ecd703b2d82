package io.custody.evidence.tar;

import io.custody.evidence.files.BulkInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small, strict reader of POSIX (ustar and pax) and GNU tar streams, for archives that are hostile
 * input (the verifier's bundles, acquired log archives). Unlike general-purpose readers it keeps names
 * exactly as stored (a leading '/' stays), checks every header checksum, bounds extended headers and
 * the number of entries, insists on the end-of-archive block and reports data after it. It never
 * writes anything: each entry's bytes are handed to a {@link Handler} as a stream that ends with the
 * entry. Every failure is an {@link IOException} naming the byte offset.
 */
public final class StrictTarReader {

  /** The tar block size. */
  public static final int BLOCK = 512;
  /** Extended (pax, GNU long name) headers larger than this are refused. */
  public static final int MAX_EXTENDED = 1 << 20;

  /** Receives each entry in order; what it leaves unread of {@code data} is skipped. */
  public interface Handler {
    void entry(TarEntry entry, InputStream data) throws IOException;
  }

  private final InputStream in;
  private final int maxEntries;
  private long position;

  /**
   * @param in the archive (buffered by the caller if it needs to be)
   * @param maxEntries more entries than this (extended headers included) and the archive is refused
   */
  public StrictTarReader(InputStream in, int maxEntries) {
    this.in = in;
    this.maxEntries = maxEntries;
  }

  /** Bytes of the archive consumed so far. */
  public long position() {
    return position;
  }

  /** Reads every entry; throws {@link IOException} with the offset on anything malformed. */
  public void forEach(Handler handler) throws IOException {
    byte[] h = new byte[BLOCK];
    String longName = null;
    String paxPath = null;
    Long paxSize = null;
    int entries = 0;
    while (true) {
      long headerAt = position;
      if (!readBlock(h)) {
        throw new EOFException("archive ends at offset " + headerAt + " without an end-of-archive block");
      }
      if (allZero(h)) {
        checkTrailer();
        return;
      }
      if (++entries > maxEntries) {
        throw new IOException("more than " + maxEntries + " entries (at offset " + headerAt + ")");
      }
      checkChecksum(h, headerAt);
      byte type = h[156];
      long size = number(h, 124, 12, headerAt, "size");
      if (paxSize != null && type != 'x' && type != 'L' && type != 'K' && type != 'g') {
        size = paxSize;
      }
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
        if (size > MAX_EXTENDED) {
          throw new IOException("extended header of " + size + " bytes at offset " + headerAt + " exceeds " + MAX_EXTENDED);
        }
        byte[] ext = readData((int) size);
        skipPadding(size);
        switch (type) {
          case 'x' -> {
            Pax pax = Pax.parse(ext, headerAt);
            paxPath = pax.path != null ? pax.path : paxPath;
            paxSize = pax.size != null ? pax.size : paxSize;
          }
          case 'L' -> longName = cString(ext, 0, ext.length, StandardCharsets.ISO_8859_1);
          default -> {
            // 'g' (global pax) and 'K' (GNU long link name) change nothing the verifier reads.
          }
        }
        continue;
      }
      String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(h);
      paxPath = null;
      longName = null;
      paxSize = null;
      TarEntry.Kind kind = kind(type);
      if (kind != TarEntry.Kind.FILE && kind != TarEntry.Kind.OTHER) {
        size = 0; // links, folders and devices carry no data, whatever the size field says
      }
      Bounded data = new Bounded(size);
      handler.entry(new TarEntry(name, kind, size, headerAt), data);
      data.skipRest();
      skipPadding(size);
    }
  }

  private static TarEntry.Kind kind(byte type) {
    return switch (type) {
      case '0', 0 -> TarEntry.Kind.FILE;
      case '1' -> TarEntry.Kind.HARDLINK;
      case '2' -> TarEntry.Kind.SYMLINK;
      case '3', '4' -> TarEntry.Kind.DEVICE;
      case '5' -> TarEntry.Kind.DIRECTORY;
      case '6' -> TarEntry.Kind.FIFO;
      default -> TarEntry.Kind.OTHER;
    };
  }

  private static String ustarName(byte[] h) {
    String name = cString(h, 0, 100, StandardCharsets.ISO_8859_1);
    boolean posix = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0;
    if (posix) {
      String prefix = cString(h, 345, 155, StandardCharsets.ISO_8859_1);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private void checkTrailer() throws IOException {
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      for (int i = 0; i < n; i++) {
        if (buf[i] != 0) {
          throw new IOException("data after the end of the archive at offset " + (position + i));
        }
      }
      position += n;
    }
  }

  private static void checkChecksum(byte[] h, long at) throws IOException {
    long stored = number(h, 148, 8, at, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : h[i];
      unsigned += b & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : h[i];
    }
    if (stored != unsigned && stored != signed) {
      throw new IOException("header checksum mismatch at offset " + at);
    }
  }

  /** Octal (space or NUL terminated) or base-256 (high bit set) numbers. */
  static long number(byte[] h, int off, int len, long at, String field) throws IOException {
    if ((h[off] & 0x80) != 0) {
      if ((h[off] & 0x40) != 0) {
        throw new IOException("negative " + field + " at offset " + at);
      }
      long v = h[off] & 0x3f;
      for (int i = 1; i < len; i++) {
        if (v > (Long.MAX_VALUE >> 8)) {
          throw new IOException(field + " too large at offset " + at);
        }
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && h[i] == ' ') {
      i++;
    }
    boolean any = false;
    for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
      if (v > (Long.MAX_VALUE >> 3)) {
        throw new IOException(field + " too large at offset " + at);
      }
      v = (v << 3) + (h[i] - '0');
      any = true;
    }
    for (; i < end; i++) {
      if (h[i] != ' ' && h[i] != 0) {
        throw new IOException("bad " + field + " field at offset " + at);
      }
    }
    if (!any && !field.equals("size")) {
      throw new IOException("empty " + field + " field at offset " + at);
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len, java.nio.charset.Charset cs) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, cs);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean readBlock(byte[] b) throws IOException {
    int n = in.readNBytes(b, 0, BLOCK);
    position += n;
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new EOFException("truncated header at offset " + (position - n));
    }
    return true;
  }

  private byte[] readData(int size) throws IOException {
    byte[] b = in.readNBytes(size);
    position += b.length;
    if (b.length < size) {
      throw new EOFException("truncated extended header at offset " + position);
    }
    return b;
  }

  private void skipPadding(long size) throws IOException {
    long pad = (BLOCK - size % BLOCK) % BLOCK;
    skipExactly(pad);
  }

  private void skipExactly(long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new EOFException("archive truncated at offset " + position);
      }
      n -= r;
      position += r;
    }
  }

  /** An entry's data: exactly {@code size} bytes, then end of stream. */
  private final class Bounded extends BulkInputStream {
    private long left;

    Bounded(long size) {
      this.left = size;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int r = in.read(b, off, (int) Math.min(len, left));
      if (r < 0) {
        throw new EOFException("archive truncated at offset " + position);
      }
      left -= r;
      position += r;
      return r;
    }

    void skipRest() throws IOException {
      skipExactly(left);
      left = 0;
    }

    @Override
    public void close() {
      // the archive stream stays open
    }
  }

  /** The pax keys the verifier uses. */
  private record Pax(String path, Long size) {
    static Pax parse(byte[] b, long at) throws IOException {
      String path = null;
      Long size = null;
      int i = 0;
      while (i < b.length) {
        int sp = i;
        while (sp < b.length && b[sp] >= '0' && b[sp] <= '9') {
          sp++;
        }
        if (sp == i || sp >= b.length || b[sp] != ' ' || sp - i > 9) {
          throw new IOException("bad pax record at offset " + at);
        }
        int len = Integer.parseInt(new String(b, i, sp - i, StandardCharsets.US_ASCII));
        if (len <= sp - i + 1 || i + len > b.length || b[i + len - 1] != '\n') {
          throw new IOException("bad pax record length at offset " + at);
        }
        String rec = new String(b, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
        int eq = rec.indexOf('=');
        if (eq <= 0) {
          throw new IOException("bad pax record at offset " + at);
        }
        String key = rec.substring(0, eq);
        String value = rec.substring(eq + 1);
        if (key.equals("path")) {
          path = value;
        } else if (key.equals("size")) {
          try {
            size = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new IOException("bad pax size at offset " + at);
          }
          if (size < 0) {
            throw new IOException("negative pax size at offset " + at);
          }
        }
        i += len;
      }
      return new Pax(path, size);
    }
  }
}
