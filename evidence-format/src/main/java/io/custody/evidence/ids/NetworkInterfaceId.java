package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** An EC2 network interface id (eni-…), checked on construction. */
public record NetworkInterfaceId(String value) {

  private static final Pattern FORMAT = Ids.hex("eni");

  public NetworkInterfaceId {
    Ids.check(value, FORMAT, "network interface id", "eni- and 8 or 17 hex digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
