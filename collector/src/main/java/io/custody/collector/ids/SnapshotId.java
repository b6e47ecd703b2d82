package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An EC2 snapshot id: snap- and 8 or 17 hex digits, checked on construction. */
public record SnapshotId(String value) {

  private static final Pattern FORMAT = Pattern.compile("snap-[0-9a-f]{8}([0-9a-f]{9})?");

  public SnapshotId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse snapshot id '" + value + "': expected snap- and 8 or 17 hex digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
