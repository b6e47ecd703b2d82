package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.lime.LimeFinding.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a LiME file's ranges with the host's System RAM ranges and tells apart what a capture
 * can lack: a RAM range with no LiME range (missing), a LiME range that holds less than its RAM
 * range (truncated: a short header or data cut off), a range whose data is all zero (padded: LiME
 * writes zeros for a range it gave up reading), and LiME ranges that match no RAM range.
 */
public final class RangeCheck {

  private RangeCheck() {}

  /** The completeness findings; empty when every RAM range is captured whole. */
  public static List<LimeFinding> compare(LimeLayout layout, List<PhysRange> ram) {
    List<LimeFinding> out = new ArrayList<>();
    for (PhysRange r : ram) {
      List<LimeRange> hits = layout.ranges().stream().filter(l -> l.range().overlaps(r)).toList();
      if (hits.isEmpty()) {
        out.add(new LimeFinding(Kind.MISSING_RANGE, -1, "System RAM " + r + " (" + r.size() + " bytes) has no LiME range"));
        continue;
      }
      for (LimeRange l : hits) {
        check(r, l, out);
      }
    }
    for (LimeRange l : layout.ranges()) {
      if (ram.stream().noneMatch(r -> r.overlaps(l.range()))) {
        out.add(new LimeFinding(Kind.UNEXPECTED_RANGE, l.headerOffset(), "LiME range " + l.range() + " is not System RAM on the host"));
      }
    }
    return out;
  }

  /** AVML (0.20 on) cuts each System RAM range into blocks of this size, counted from the range's start. */
  public static final long AVML_BLOCK = 16L << 20;
  private static final long PAGE = 4096;

  /**
   * What an AVML capture leaves out of the image by design, so not a finding: blocks of its grid it
   * read as all zero (AVML writes no record for them: the image cannot show those zeros, only AVML's
   * word for them), and the bytes of pages that are only partly System RAM (/proc/kcore and
   * /dev/crash give whole pages only).
   */
  public record AvmlLeftOut(@JsonProperty("zero_blocks") long zeroBlocks, @JsonProperty("zero_block_bytes") long zeroBlockBytes,
      @JsonProperty("partial_page_bytes") long partialPageBytes) {

    /** For notes: what was left out, in words; empty when nothing was. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (zeroBlocks > 0) {
        parts.add(zeroBlocks + " blocks of up to 16 MiB (" + zeroBlockBytes + " bytes) that AVML read as all zero are not in the image");
      }
      if (partialPageBytes > 0) {
        parts.add(partialPageBytes + " bytes of System RAM in pages only partly RAM are not in the image (the source gives whole pages)");
      }
      return String.join("; ", parts);
    }
  }

  /**
   * Like {@link #compare}, for AVML's LiME output: each System RAM range must be covered, in order,
   * by records that start on AVML's grid of {@link #AVML_BLOCK} from the range's start and end on
   * it or at the range's end; a gap is allowed only where it is whole grid blocks (AVML leaves out a
   * block it read as all zero), and at the ends of a range only the part of a page that is not
   * whole (from /proc/kcore); everything else is a finding as with LiME.
   *
   * @param leftOut receives the tally of what was left out by design
   */
  public static List<LimeFinding> compareAvml(LimeLayout layout, List<PhysRange> ram, java.util.function.Consumer<AvmlLeftOut> leftOut) {
    List<LimeFinding> out = new ArrayList<>();
    long[] tally = new long[3];
    for (PhysRange r : ram) {
      List<LimeRange> hits = layout.ranges().stream().filter(l -> l.range().overlaps(r)).sorted(java.util.Comparator.comparingLong(l -> l.range().start()))
          .toList();
      // the readable part: whole pages, unless a record reaches the exact boundary (a source such as /dev/mem)
      long s = hits.stream().anyMatch(l -> l.range().start() == r.start()) ? r.start() : (r.start() + PAGE - 1) / PAGE * PAGE;
      long e = hits.stream().anyMatch(l -> l.range().end() == r.end()) ? r.end() : (r.end() + 1) / PAGE * PAGE - 1;
      if (e < s) {
        tally[2] += r.size();
        hits.forEach(l -> out.add(new LimeFinding(Kind.RANGE_MISMATCH, l.headerOffset(), "LiME range " + l.range() + " does not fit System RAM " + r)));
        continue;
      }
      tally[2] += r.size() - (e - s + 1);
      long pos = s;
      for (LimeRange l : hits) {
        PhysRange lr = l.range();
        boolean onGrid = (lr.start() - s) % AVML_BLOCK == 0 && (lr.end() == e || (lr.end() + 1 - s) % AVML_BLOCK == 0);
        if (lr.start() < pos || lr.end() > e || !onGrid) {
          out.add(new LimeFinding(Kind.RANGE_MISMATCH, l.headerOffset(), "LiME range " + lr + " is not one of AVML's blocks of System RAM " + r));
          pos = Math.max(pos, Math.min(lr.end(), e) + 1);
          continue;
        }
        gap(r, s, e, pos, lr.start() - 1, tally, out);
        content(l, lr, out);
        pos = lr.end() + 1;
      }
      gap(r, s, e, pos, e, tally, out);
    }
    for (LimeRange l : layout.ranges()) {
      if (ram.stream().noneMatch(r -> r.overlaps(l.range()))) {
        out.add(new LimeFinding(Kind.UNEXPECTED_RANGE, l.headerOffset(), "LiME range " + l.range() + " is not System RAM on the host"));
      }
    }
    leftOut.accept(new AvmlLeftOut(tally[0], tally[1], tally[2]));
    return out;
  }

  /** [from, to] of RAM range r (readable part [s, e]) has no record: whole grid blocks are AVML's zero blocks, anything else is missing. */
  private static void gap(PhysRange r, long s, long e, long from, long to, long[] tally, List<LimeFinding> out) {
    if (from > to) {
      return;
    }
    if ((from - s) % AVML_BLOCK == 0 && (to == e || (to + 1 - s) % AVML_BLOCK == 0)) {
      tally[0] += (to - from + AVML_BLOCK) / AVML_BLOCK;
      tally[1] += to - from + 1;
    } else {
      PhysRange g = new PhysRange(from, to);
      out.add(new LimeFinding(Kind.MISSING_RANGE, -1, "System RAM " + g + " (" + g.size() + " bytes, in " + r + ") has no LiME range"
          + " and is not a block AVML leaves out as zero"));
    }
  }

  private static void check(PhysRange r, LimeRange l, List<LimeFinding> out) {
    PhysRange lr = l.range();
    if (lr.start() == r.start() && lr.end() < r.end()) {
      out.add(new LimeFinding(Kind.TRUNCATED_RANGE, l.headerOffset(), "LiME range " + lr + " stops " + (r.end() - lr.end())
          + " bytes short of System RAM " + r));
    } else if (lr.start() != r.start() || lr.end() != r.end()) {
      out.add(new LimeFinding(Kind.RANGE_MISMATCH, l.headerOffset(), "LiME range " + lr + " does not match System RAM " + r));
    }
    content(l, lr, out);
  }

  /** A range the file cut off, or one filled with zeros (padding, not memory). */
  private static void content(LimeRange l, PhysRange lr, List<LimeFinding> out) {
    if (!l.complete()) {
      out.add(new LimeFinding(Kind.TRUNCATED_RANGE, l.dataOffset() + l.present(), "LiME range " + lr + " holds " + l.present() + " of its "
          + l.declared() + " bytes: the file was cut off"));
    }
    if (l.allZero()) {
      out.add(new LimeFinding(Kind.PADDED_RANGE, l.dataOffset(), "LiME range " + lr + " is zero-filled (" + l.present()
          + " zero bytes): padding, not memory"));
    }
  }
}
