package io.custody.analyzer.sigma;

/**
 * A Sigma string value: {@code *} matches any run of characters, {@code ?} one character, {@code \}
 * escapes {@code *}, {@code ?} and itself (any other backslash is literal). Case-insensitive unless
 * built {@code cased}. The common shapes (plain, prefix, suffix, infix) avoid the general matcher.
 */
final class Glob {

  private enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, ANY, GENERAL }

  private static final char STAR = '\uE000';
  private static final char QUESTION = '\uE001';

  private final Shape shape;
  private final String literal;
  private final char[] pattern;
  private final boolean cased;
  private final String source;

  private Glob(Shape shape, String literal, char[] pattern, boolean cased, String source) {
    this.shape = shape;
    this.literal = literal;
    this.pattern = pattern;
    this.cased = cased;
    this.source = source;
  }

  /** Compiles a Sigma value with its wildcards. */
  static Glob of(String sigmaValue, boolean cased) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sigmaValue.length(); i++) {
      char c = sigmaValue.charAt(i);
      if (c == '\\' && i + 1 < sigmaValue.length()) {
        char n = sigmaValue.charAt(i + 1);
        if (n == '*' || n == '?' || n == '\\') {
          sb.append(n);
          i++;
          continue;
        }
      }
      sb.append(c == '*' ? STAR : c == '?' ? QUESTION : c);
    }
    char[] p = sb.toString().toCharArray();
    int stars = 0;
    int questions = 0;
    for (char c : p) {
      stars += c == STAR ? 1 : 0;
      questions += c == QUESTION ? 1 : 0;
    }
    String lit = sb.toString().replace(String.valueOf(STAR), "");
    if (questions == 0 && stars == p.length) {
      return new Glob(Shape.ANY, "", p, cased, sigmaValue);
    }
    if (questions == 0) {
      boolean lead = p.length > 0 && p[0] == STAR;
      boolean trail = p.length > 0 && p[p.length - 1] == STAR;
      int inner = stars - (lead ? 1 : 0) - (trail ? 1 : 0);
      if (inner == 0) {
        Shape s = lead && trail ? Shape.CONTAINS : lead ? Shape.SUFFIX : trail ? Shape.PREFIX : Shape.EXACT;
        return new Glob(s, cased ? lit : lower(lit), p, cased, sigmaValue);
      }
    }
    return new Glob(Shape.GENERAL, null, p, cased, sigmaValue);
  }

  boolean matches(String s) {
    switch (shape) {
      case ANY:
        return true;
      case EXACT:
        return cased ? s.equals(literal) : s.equalsIgnoreCase(literal);
      case PREFIX:
        return s.regionMatches(!cased, 0, literal, 0, literal.length());
      case SUFFIX:
        return s.length() >= literal.length() && s.regionMatches(!cased, s.length() - literal.length(), literal, 0, literal.length());
      case CONTAINS:
        return cased ? s.contains(literal) : containsIgnoreCase(s, literal);
      default:
        return general(s);
    }
  }

  /** True for a case-insensitive value without wildcards (usable as an index key). */
  boolean isExactIgnoreCase() {
    return shape == Shape.EXACT && !cased;
  }

  /** True for a case-insensitive value with one trailing {@code *} and no other wildcard. */
  boolean isPrefixIgnoreCase() {
    return shape == Shape.PREFIX && !cased;
  }

  /** The literal of an exact or prefix value, lower-case. */
  String literal() {
    return literal;
  }

  /** The value as written in the rule. */
  String source() {
    return source;
  }

  static boolean containsIgnoreCase(String s, String lowerNeedle) {
    int n = lowerNeedle.length();
    if (n == 0) {
      return true;
    }
    char first = lowerNeedle.charAt(0);
    int max = s.length() - n;
    for (int i = 0; i <= max; i++) {
      if (Character.toLowerCase(s.charAt(i)) == first && s.regionMatches(true, i, lowerNeedle, 0, n)) {
        return true;
      }
    }
    return false;
  }

  private boolean general(String s) {
    // Iterative wildcard matching with backtracking to the last star: linear in practice.
    int si = 0;
    int pi = 0;
    int starP = -1;
    int starS = 0;
    while (si < s.length()) {
      if (pi < pattern.length && (pattern[pi] == QUESTION || (pattern[pi] != STAR && same(pattern[pi], s.charAt(si))))) {
        si++;
        pi++;
      } else if (pi < pattern.length && pattern[pi] == STAR) {
        starP = pi++;
        starS = si;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < pattern.length && pattern[pi] == STAR) {
      pi++;
    }
    return pi == pattern.length;
  }

  private boolean same(char a, char b) {
    return a == b || (!cased && Character.toLowerCase(a) == Character.toLowerCase(b));
  }

  private static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }
}
