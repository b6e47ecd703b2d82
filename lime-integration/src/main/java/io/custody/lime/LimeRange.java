package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One LiME range as found in a file: the physical range its header declares, where the header is,
 * how many of its data bytes the file really holds, and how many of its 4 KiB pages are all zero.
 *
 * @param headerOffset file offset of the 32-byte header; the data follows it
 * @param present data bytes present in the file (less than {@link #declared()} when truncated)
 * @param pages pages (4 KiB, the last one possibly shorter) of present data
 * @param zeroPages pages whose bytes are all zero
 * @param trailingZeroPages all-zero pages at the end of the present data
 */
@JsonPropertyOrder({"start", "end", "header_offset", "declared", "present", "pages", "zero_pages", "trailing_zero_pages"})
public record LimeRange(
    @JsonIgnore PhysRange range,
    @JsonProperty("header_offset") long headerOffset,
    @JsonProperty("present") long present,
    @JsonProperty("pages") long pages,
    @JsonProperty("zero_pages") long zeroPages,
    @JsonProperty("trailing_zero_pages") long trailingZeroPages) {

  /** Data bytes the header declares. */
  @JsonProperty("declared")
  public long declared() {
    return range.size();
  }

  @JsonProperty("start")
  String start() {
    return PhysRange.hex(range.start());
  }

  @JsonProperty("end")
  String end() {
    return PhysRange.hex(range.end());
  }

  /** File offset of the first data byte. */
  public long dataOffset() {
    return headerOffset + LimeParser.HEADER_SIZE;
  }

  /** True when every declared byte is in the file. */
  public boolean complete() {
    return present == declared();
  }

  /** True when the range holds data and every page of it is zero. */
  public boolean allZero() {
    return pages > 0 && zeroPages == pages;
  }
}
