package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An EC2 instance id: i- and 8 or 17 hex digits, checked on construction. */
public record InstanceId(String value) {

  private static final Pattern FORMAT = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");

  public InstanceId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse instance id '" + value + "': expected i- and 8 or 17 hex digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
