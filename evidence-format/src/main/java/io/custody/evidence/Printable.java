package io.custody.evidence;

/** Makes names from hostile archives safe to print: control and non-ASCII bytes escaped, length capped. */
public final class Printable {

  private Printable() {}

  /** The text with control and non-ASCII characters as \\uXXXX, cut after about 300 characters. */
  public static String of(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
      if (sb.length() > 300) {
        return sb.append("...").toString();
      }
    }
    return sb.toString();
  }
}
