package io.custody.evidence.ids;

import java.util.regex.Pattern;

/** An IAM access key id (AKIA… long-term, ASIA… temporary), checked on construction. */
public record AccessKeyId(String value) {

  private static final Pattern FORMAT = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");

  public AccessKeyId {
    Ids.check(value, FORMAT, "access key id", "AKIA or ASIA and 16 letters or digits");
  }

  @Override
  public String toString() {
    return value;
  }
}
