package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An EC2 network interface id: eni- and 8 or 17 hex digits, checked on construction. */
public record NetworkInterfaceId(String value) {

  private static final Pattern FORMAT = Pattern.compile("eni-[0-9a-f]{8}([0-9a-f]{9})?");

  public NetworkInterfaceId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse network interface id '" + value + "': expected eni- and 8 or 17 hex digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
