package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An EC2 security group id: sg- and 8 or 17 hex digits, checked on construction. */
public record SecurityGroupId(String value) {

  private static final Pattern FORMAT = Pattern.compile("sg-[0-9a-f]{8}([0-9a-f]{9})?");

  public SecurityGroupId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse security group id '" + value + "': expected sg- and 8 or 17 hex digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
