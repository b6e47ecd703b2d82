package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An EC2 VPC id: vpc- and 8 or 17 hex digits, checked on construction. */
public record VpcId(String value) {

  private static final Pattern FORMAT = Pattern.compile("vpc-[0-9a-f]{8}([0-9a-f]{9})?");

  public VpcId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse VPC id '" + value + "': expected vpc- and 8 or 17 hex digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
