package io.custody.lime;

import io.custody.lime.LimeFinding.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A streaming LiME parser: feed it the file's bytes in order with {@link #update}, then call {@link
 * #finish}. It keeps no data, only the range table and counters, so it runs beside the hashing
 * engine on a stream of any size in constant memory.
 *
 * <p>The input is hostile: every header is checked (magic, version, start &le; end, addresses below
 * 2^52, reserved bytes zero, ascending and non-overlapping ranges, at most {@link #MAX_RANGES}); a
 * header that cannot be trusted stops parsing, and the rest of the file is only counted. Problems
 * become {@link LimeFinding}s, never exceptions.
 *
 * <p>Format (LiME v1): a 32-byte little-endian header {@code u32 magic 0x4C694D45, u32 version 1,
 * u64 s_addr, u64 e_addr (inclusive), 8 reserved bytes}, then {@code e_addr - s_addr + 1} data bytes,
 * repeated for every range.
 */
public final class LimeParser {

  /** {@code "EMiL"} read as a little-endian u32. */
  public static final int MAGIC = 0x4C694D45;
  public static final int VERSION = 1;
  public static final int HEADER_SIZE = 32;
  public static final int PAGE_SIZE = 4096;
  /** No real host has more System RAM ranges than this. */
  public static final int MAX_RANGES = 1 << 16;
  /** Physical addresses stop at 52 bits on x86-64 and arm64. */
  public static final long MAX_ADDRESS = (1L << 52) - 1;

  private static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];

  private final byte[] header = new byte[HEADER_SIZE];
  private final List<LimeRange> ranges = new ArrayList<>();
  private final List<LimeFinding> findings = new ArrayList<>();
  private long offset;
  private int headerFill;
  private long headerOffset;
  private boolean stopped;
  private boolean finished;
  // A header of zeros after the last range: padding if nothing but zeros follows.
  private long tailOffset = -1;
  private boolean tailAllZero;
  private long ignored;
  // The range whose data is being read.
  private PhysRange current;
  private long currentHeader;
  private long present;
  private long pages;
  private long zeroPages;
  private long trailingZeroPages;
  private int pageFill;
  private boolean pageNonZero;

  /** Feeds the next bytes of the file. */
  public void update(byte[] b, int off, int len) {
    if (finished) {
      throw new IllegalStateException("parser already finished");
    }
    int end = off + len;
    while (off < end) {
      if (stopped) {
        skip(b, off, end - off);
        return;
      }
      if (current != null) {
        long left = current.size() - present;
        int n = (int) Math.min(left, end - off);
        data(b, off, n);
        off += n;
        if (present == current.size()) {
          closeRange();
        }
      } else {
        int n = Math.min(HEADER_SIZE - headerFill, end - off);
        if (headerFill == 0) {
          headerOffset = offset;
        }
        System.arraycopy(b, off, header, headerFill, n);
        headerFill += n;
        offset += n;
        off += n;
        if (headerFill == HEADER_SIZE) {
          headerFill = 0;
          header();
        }
      }
    }
  }

  /** Ends the file and returns what was found. */
  public LimeLayout finish() {
    if (finished) {
      throw new IllegalStateException("parser already finished");
    }
    finished = true;
    if (current != null) {
      findings.add(new LimeFinding(Kind.TRUNCATED_DATA, offset,
          "file ends inside the data of range " + current + ": " + present + " of " + current.size() + " bytes present, "
              + (current.size() - present) + " missing"));
      closeRange();
    } else if (headerFill > 0) {
      boolean zeros = Arrays.mismatch(header, 0, headerFill, ZERO_PAGE, 0, headerFill) == -1;
      findings.add(zeros && !ranges.isEmpty()
          ? new LimeFinding(Kind.TRAILING_ZEROS, headerOffset, headerFill + " zero bytes follow the last range: padding, not LiME data")
          : new LimeFinding(Kind.TRUNCATED_HEADER, headerOffset, "file ends inside a header (" + headerFill + " of " + HEADER_SIZE + " bytes)"));
    }
    if (tailOffset >= 0) {
      findings.add(tailAllZero
          ? new LimeFinding(Kind.TRAILING_ZEROS, tailOffset, (offset - tailOffset) + " zero bytes follow the last range: padding, not LiME data")
          : badMagic(tailOffset));
    }
    if (offset == 0) {
      findings.add(new LimeFinding(Kind.EMPTY, 0, "the file is empty"));
    }
    return new LimeLayout(offset, ranges, findings, ignored);
  }

  /** Bytes fed so far. */
  public long offset() {
    return offset;
  }

  private void header() {
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int magic = h.getInt(0);
    int version = h.getInt(4);
    long start = h.getLong(8);
    long end = h.getLong(16);
    long reserved = h.getLong(24);
    if (magic != MAGIC) {
      boolean zeros = Arrays.mismatch(header, 0, HEADER_SIZE, ZERO_PAGE, 0, HEADER_SIZE) == -1;
      if (zeros && !ranges.isEmpty()) {
        // Decided at the end: zeros to the end are padding, anything else is corruption.
        tailOffset = headerOffset;
        tailAllZero = true;
        ignored += HEADER_SIZE;
        stopped = true;
      } else {
        stop(badMagic(headerOffset));
      }
      return;
    }
    if (version != VERSION) {
      stop(new LimeFinding(Kind.BAD_VERSION, headerOffset, "LiME header version " + Integer.toUnsignedString(version) + ", only version 1 is known"));
      return;
    }
    if (start < 0 || end < 0 || start > MAX_ADDRESS || end > MAX_ADDRESS) {
      stop(new LimeFinding(Kind.BAD_RANGE, headerOffset, "range " + Long.toUnsignedString(start, 16) + "-" + Long.toUnsignedString(end, 16)
          + " lies beyond any physical address (2^52)"));
      return;
    }
    if (start > end) {
      stop(new LimeFinding(Kind.BAD_RANGE, headerOffset, "range start " + PhysRange.hex(start) + " is after its end " + PhysRange.hex(end)));
      return;
    }
    if (ranges.size() >= MAX_RANGES) {
      stop(new LimeFinding(Kind.TOO_MANY_RANGES, headerOffset, "more than " + MAX_RANGES + " ranges"));
      return;
    }
    if (reserved != 0) {
      findings.add(new LimeFinding(Kind.RESERVED_NOT_ZERO, headerOffset + 24, "reserved header bytes are not zero"));
    }
    PhysRange r = new PhysRange(start, end);
    if (!ranges.isEmpty()) {
      PhysRange prev = ranges.get(ranges.size() - 1).range();
      if (start < prev.start()) {
        findings.add(new LimeFinding(Kind.OUT_OF_ORDER, headerOffset, "range " + r + " comes after range " + prev + " but starts below it"));
      } else if (start <= prev.end()) {
        findings.add(new LimeFinding(Kind.OVERLAP, headerOffset, "range " + r + " overlaps the previous range " + prev));
      }
    }
    current = r;
    currentHeader = headerOffset;
    present = 0;
    pages = 0;
    zeroPages = 0;
    trailingZeroPages = 0;
    pageFill = 0;
    pageNonZero = false;
  }

  private void data(byte[] b, int off, int n) {
    int end = off + n;
    while (off < end) {
      int m = Math.min(PAGE_SIZE - pageFill, end - off);
      if (!pageNonZero && Arrays.mismatch(b, off, off + m, ZERO_PAGE, 0, m) != -1) {
        pageNonZero = true;
      }
      pageFill += m;
      off += m;
      if (pageFill == PAGE_SIZE) {
        closePage();
      }
    }
    present += n;
    offset += n;
  }

  private void closePage() {
    pages++;
    if (pageNonZero) {
      trailingZeroPages = 0;
    } else {
      zeroPages++;
      trailingZeroPages++;
    }
    pageFill = 0;
    pageNonZero = false;
  }

  private void closeRange() {
    if (pageFill > 0) {
      closePage();
    }
    ranges.add(new LimeRange(current, currentHeader, present, pages, zeroPages, trailingZeroPages));
    current = null;
  }

  private void skip(byte[] b, int off, int n) {
    for (int i = off; tailAllZero && i < off + n; i += PAGE_SIZE) {
      int m = Math.min(PAGE_SIZE, off + n - i);
      tailAllZero = Arrays.mismatch(b, i, i + m, ZERO_PAGE, 0, m) == -1;
    }
    ignored += n;
    offset += n;
  }

  private void stop(LimeFinding f) {
    findings.add(f);
    ignored += HEADER_SIZE;
    stopped = true;
  }

  private LimeFinding badMagic(long at) {
    String hint = at == 0 ? " (not a LiME file: a raw or LiME 'padded' image has no headers)" : "";
    return new LimeFinding(Kind.BAD_MAGIC, at, "no LiME header magic" + hint + "; the rest of the file is not parsed");
  }
}
