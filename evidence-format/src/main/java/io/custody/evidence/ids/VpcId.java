package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** A VPC id (vpc-…), checked on construction. */
public record VpcId(String value) {

  private static final Pattern FORMAT = Ids.hex("vpc");

  public VpcId {
    Ids.check(value, FORMAT, "VPC id", "vpc- and 8 or 17 hex digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
