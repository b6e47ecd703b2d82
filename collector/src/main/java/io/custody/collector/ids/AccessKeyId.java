package io.custody.collector.ids;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/** An IAM access key id: AKIA (long-term) or ASIA (temporary) and 16 upper-case letters or digits. */
public record AccessKeyId(String value) {

  private static final Pattern FORMAT = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");

  public AccessKeyId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse access key id '" + value + "': expected AKIA or ASIA and 16 letters or digits");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
