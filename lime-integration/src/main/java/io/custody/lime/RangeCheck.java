package io.custody.lime;

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

  private static void check(PhysRange r, LimeRange l, List<LimeFinding> out) {
    PhysRange lr = l.range();
    if (lr.start() == r.start() && lr.end() < r.end()) {
      out.add(new LimeFinding(Kind.TRUNCATED_RANGE, l.headerOffset(), "LiME range " + lr + " stops " + (r.end() - lr.end())
          + " bytes short of System RAM " + r));
    } else if (lr.start() != r.start() || lr.end() != r.end()) {
      out.add(new LimeFinding(Kind.RANGE_MISMATCH, l.headerOffset(), "LiME range " + lr + " does not match System RAM " + r));
    }
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
