package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** An EC2 security group id (sg-…), checked on construction. */
public record SecurityGroupId(String value) {

  private static final Pattern FORMAT = Ids.hex("sg");

  public SecurityGroupId {
    Ids.check(value, FORMAT, "security group id", "sg- and 8 or 17 hex digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
