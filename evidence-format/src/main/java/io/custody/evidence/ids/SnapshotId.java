package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** An EBS snapshot id (snap-…), checked on construction. */
public record SnapshotId(String value) {

  private static final Pattern FORMAT = Ids.hex("snap");

  public SnapshotId {
    Ids.check(value, FORMAT, "snapshot id", "snap- and 8 or 17 hex digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
