package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a LiME file holds: its range table and the structural problems found in it. Made by {@link
 * LimeParser}; compare it with the host's RAM with {@link RangeCheck}.
 *
 * @param fileSize bytes read
 * @param ranges the ranges in file order
 * @param findings structural problems; empty for a well-formed file
 * @param ignoredBytes bytes after a problem that stopped parsing
 */
@JsonPropertyOrder({"file_size", "ranges", "range_count", "declared_bytes", "present_bytes", "zero_pages", "ignored_bytes", "findings"})
public record LimeLayout(
    @JsonProperty("file_size") long fileSize,
    @JsonProperty("ranges") List<LimeRange> ranges,
    @JsonProperty("findings") List<LimeFinding> findings,
    @JsonProperty("ignored_bytes") long ignoredBytes) {

  public LimeLayout {
    ranges = List.copyOf(ranges);
    findings = List.copyOf(findings);
  }

  @JsonProperty("range_count")
  public int rangeCount() {
    return ranges.size();
  }

  /** RAM bytes the headers declare. */
  @JsonProperty("declared_bytes")
  public long declaredBytes() {
    return ranges.stream().mapToLong(LimeRange::declared).sum();
  }

  /** RAM bytes the file really holds. */
  @JsonProperty("present_bytes")
  public long presentBytes() {
    return ranges.stream().mapToLong(LimeRange::present).sum();
  }

  @JsonProperty("zero_pages")
  public long zeroPages() {
    return ranges.stream().mapToLong(LimeRange::zeroPages).sum();
  }

  /** True when the file is well formed. */
  @JsonIgnore
  public boolean wellFormed() {
    return findings.isEmpty();
  }

  /** The physical address stored at a file offset, empty for header bytes and bytes outside every range. */
  public OptionalLong physicalAddress(long fileOffset) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      LimeRange r = ranges.get(mid);
      if (fileOffset < r.dataOffset()) {
        hi = mid - 1;
      } else if (fileOffset >= r.dataOffset() + r.present()) {
        lo = mid + 1;
      } else {
        return OptionalLong.of(r.range().start() + (fileOffset - r.dataOffset()));
      }
    }
    return OptionalLong.empty();
  }
}
