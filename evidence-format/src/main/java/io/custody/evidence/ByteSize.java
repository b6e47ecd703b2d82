package io.custody.evidence;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes given on the command line: {@code 4096}, {@code 64K}, {@code 512M}, {@code 1G}, {@code 1GiB},
 * {@code 2T}. Units are binary (K = 1024).
 */
public final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /**
   * Parses a size.
   *
   * @throws InvalidInputException when the text is not a size or overflows
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new InvalidInputException("Failed to parse size '" + text + "': expected a number with an optional K, M, G or T suffix");
    }
    int shift =
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("Failed to parse size '" + text + "': too large");
    }
  }

  /** A short human form: {@code 1.0 GiB}, {@code 512 B}. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
