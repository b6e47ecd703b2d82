package io.custody.evidence.segment;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names of stored segments: {@code <name>[.zst].NNNNNN} (segmented) or {@code <name>[.zst]}
 * (single file).
 */
public final class SegmentNames {

  /** At most this many segments per item: six digits. */
  public static final int MAX_SEGMENTS = 999_999;

  private static final Pattern SEGMENT = Pattern.compile("(.+?)(\\.zst)?\\.(\\d{6})");

  private SegmentNames() {}

  public static String segment(String name, Compression compression, int index) {
    if (index < 1 || index > MAX_SEGMENTS) {
      throw new IllegalArgumentException("segment index out of range: " + index);
    }
    return name + compression.suffix() + String.format(Locale.ROOT, ".%06d", index);
  }

  public static String single(String name, Compression compression) {
    return name + compression.suffix();
  }

  /** The 1-based index of a segment file name, or -1 when it is not one. */
  public static int indexOf(String fileName) {
    Matcher m = SEGMENT.matcher(fileName);
    return m.matches() ? Integer.parseInt(m.group(3)) : -1;
  }
}
