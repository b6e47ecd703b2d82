package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * One problem found in a LiME file: its kind, the file offset it was found at (-1 when it is about
 * the host's RAM rather than a place in the file) and a message that names both.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "offset", "message"})
public record LimeFinding(@JsonProperty("kind") Kind kind, @JsonProperty("offset") long offset, @JsonProperty("message") String message) {

  /** What went wrong. Structural kinds come from the file alone; the others need the host's RAM ranges. */
  public enum Kind {
    /** The file is empty. */
    EMPTY,
    /** A header does not start with the LiME magic. */
    BAD_MAGIC,
    /** A header has a version other than 1. */
    BAD_VERSION,
    /** A header's start is after its end, or beyond any physical address. */
    BAD_RANGE,
    /** A header's reserved bytes are not zero. */
    RESERVED_NOT_ZERO,
    /** A range starts before the end of the previous one. */
    OVERLAP,
    /** A range starts below the previous one. */
    OUT_OF_ORDER,
    /** The file ends inside a header. */
    TRUNCATED_HEADER,
    /** The file ends inside a range's data. */
    TRUNCATED_DATA,
    /** Only zero bytes follow the last range: padding, not LiME. */
    TRAILING_ZEROS,
    /** More ranges than any real host has. */
    TOO_MANY_RANGES,
    /** A System RAM range of the host has no LiME range. */
    MISSING_RANGE,
    /** A LiME range holds less of a System RAM range than the host has. */
    TRUNCATED_RANGE,
    /** A LiME range's data is zero-filled: LiME writes zeros for a range it gave up reading. */
    PADDED_RANGE,
    /** A LiME range lies outside every System RAM range of the host. */
    UNEXPECTED_RANGE,
    /** A LiME range overlaps a System RAM range without matching its bounds. */
    RANGE_MISMATCH;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @Override
  public String toString() {
    return "[" + kind.label() + "] " + (offset >= 0 ? "offset " + offset + ": " : "") + message;
  }
}
