package io.custody.analyzer.sigma;

/**
 * A string a regular expression matches, for the subset rules use: literals, escapes, {@code .},
 * classes ({@code [..]}, {@code \d \w \s}), groups with alternatives (the first is taken), anchors
 * and quantifiers ({@code * + ? {n,m}}). Anything else fails loudly so a rule never gets a wrong sample.
 */
final class RegexSample {

  private final String re;
  private int pos;

  private RegexSample(String re) {
    this.re = re;
  }

  static String of(String regex) {
    RegexSample s = new RegexSample(regex);
    String out = s.sequence();
    if (s.pos != regex.length()) {
      throw new IllegalArgumentException("regex sample: cannot handle '" + regex + "' at " + s.pos);
    }
    return out;
  }

  private String sequence() {
    StringBuilder sb = new StringBuilder();
    while (pos < re.length() && re.charAt(pos) != ')' && re.charAt(pos) != '|') {
      String atom = atom();
      int min = 1;
      if (pos < re.length()) {
        char q = re.charAt(pos);
        if (q == '*' || q == '?') {
          min = q == '*' ? 2 : 1;
          pos++;
        } else if (q == '+') {
          min = 2;
          pos++;
        } else if (q == '{') {
          int close = re.indexOf('}', pos);
          String[] nm = re.substring(pos + 1, close).split(",");
          min = Math.max(1, Integer.parseInt(nm[0].trim()));
          pos = close + 1;
        }
      }
      sb.append(atom.repeat(min));
    }
    return sb.toString();
  }

  private String atom() {
    char c = re.charAt(pos++);
    switch (c) {
      case '^', '$':
        return "";
      case '.':
        return "a";
      case '\\': {
        char e = re.charAt(pos++);
        return switch (e) {
          case 'd' -> "7";
          case 'w' -> "w";
          case 's' -> " ";
          default -> {
            if (Character.isLetterOrDigit(e)) {
              throw new IllegalArgumentException("regex sample: escape \\" + e);
            }
            yield String.valueOf(e);
          }
        };
      }
      case '[': {
        boolean negated = re.charAt(pos) == '^';
        if (negated) {
          throw new IllegalArgumentException("regex sample: negated class");
        }
        char first = re.charAt(pos) == '\\' ? re.charAt(pos + 1) : re.charAt(pos);
        pos = re.indexOf(']', pos + 1) + 1;
        return String.valueOf(first);
      }
      case '(': {
        if (re.startsWith("?:", pos)) {
          pos += 2;
        }
        String first = sequence();
        while (pos < re.length() && re.charAt(pos) == '|') {
          pos++;
          sequence();
        }
        pos++; // ')'
        return first;
      }
      default:
        return String.valueOf(c);
    }
  }
}
