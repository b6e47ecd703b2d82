package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An EC2 volume id: vol- and 8 or 17 hex digits, checked on construction. */
public record VolumeId(String value) {

  private static final Pattern FORMAT = Pattern.compile("vol-[0-9a-f]{8}([0-9a-f]{9})?");

  public VolumeId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse volume id '" + value + "': expected vol- and 8 or 17 hex digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
