package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** An EC2 instance id (i-…), checked on construction. */
public record InstanceId(String value) {

  private static final Pattern FORMAT = Ids.hex("i");

  public InstanceId {
    Ids.check(value, FORMAT, "instance id", "i- and 8 or 17 hex digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
