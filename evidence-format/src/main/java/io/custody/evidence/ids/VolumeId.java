package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** An EBS volume id (vol-…), checked on construction. */
public record VolumeId(String value) {

  private static final Pattern FORMAT = Ids.hex("vol");

  public VolumeId {
    Ids.check(value, FORMAT, "volume id", "vol- and 8 or 17 hex digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
