package io.custody.evidence.verify;

/** Makes names from hostile archives safe to print: control and non-ASCII bytes escaped, length capped. */
final class Printable {

  private Printable() {}

  static String of(String s) {
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
