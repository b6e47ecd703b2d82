package io.custody.evidence.ids;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.util.regex.Pattern;

/** The check every typed id makes on construction. */
final class Ids {

  private Ids() {}

  /** AWS's resource ids: a prefix and 8 or 17 lower-case hex digits. */
  static Pattern hex(String prefix) {
    return Pattern.compile(prefix + "-[0-9a-f]{8}([0-9a-f]{9})?");
  }

  /**
   * @return {@code value} when it matches
   * @throws InvalidInputException naming what was expected
   */
  static String check(String value, Pattern format, String what, String expected) {
    if (value == null || !format.matcher(value).matches()) {
      throw new InvalidInputException("Failed to parse " + what + " '" + Printable.of(String.valueOf(value)) + "': expected " + expected);
    }
    return value;
  }
}
