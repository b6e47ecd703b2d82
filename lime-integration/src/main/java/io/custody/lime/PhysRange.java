package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Locale;

/**
 * A range of physical addresses, both ends inclusive (as {@code /proc/iomem} and LiME headers write
 * them).
 *
 * @throws IllegalArgumentException from the constructor when {@code start > end} or either is negative
 */
@JsonPropertyOrder({"start", "end", "size"})
public record PhysRange(@JsonIgnore long start, @JsonIgnore long end) {

  public PhysRange {
    if (start < 0 || end < 0 || start > end) {
      throw new IllegalArgumentException("bad physical range " + hex(start) + "-" + hex(end));
    }
  }

  /** Bytes in the range. */
  @JsonProperty("size")
  public long size() {
    return end - start + 1;
  }

  @JsonProperty("start")
  String startHex() {
    return hex(start);
  }

  @JsonProperty("end")
  String endHex() {
    return hex(end);
  }

  public boolean contains(long address) {
    return address >= start && address <= end;
  }

  public boolean overlaps(PhysRange o) {
    return start <= o.end && o.start <= end;
  }

  /** {@code 0x1000-0x9ffff}. */
  @Override
  public String toString() {
    return hex(start) + "-" + hex(end);
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v).toLowerCase(Locale.ROOT);
  }
}
