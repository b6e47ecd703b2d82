package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** One compiled value of a Sigma field condition (after its modifiers were applied). */
sealed interface ValueMatcher {

  /**
   * @param value one value of the field (never null here: JSON null is handled by {@link Null})
   * @param event the whole event, for field references
   */
  boolean test(String value, JsonNode event);

  /** A string with Sigma wildcards. */
  record Text(Glob glob) implements ValueMatcher {
    @Override
    public boolean test(String value, JsonNode event) {
      return glob.matches(value);
    }
  }

  /** Several renderings of one value, any of which matches (base64offset). */
  record AnyOf(List<ValueMatcher> alternatives) implements ValueMatcher {
    @Override
    public boolean test(String value, JsonNode event) {
      for (ValueMatcher m : alternatives) {
        if (m.test(value, event)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * {@code |re}: a Java regular expression, searched (not anchored), as Sigma specifies. A pattern
   * that starts with {@code .*} or {@code .+} matches somewhere in a one-line value exactly when it
   * matches at its start, so that single attempt replaces the search (which retries at every offset:
   * quadratic on long values).
   */
  record Regex(Pattern pattern, boolean leadingDots, String required) implements ValueMatcher {
    Regex(Pattern pattern) {
      this(pattern, pattern.pattern().startsWith(".*") || pattern.pattern().startsWith(".+"), requiredLiteral(pattern));
    }

    /**
     * The longest run of plain characters every match must contain, for a quick {@code contains}
     * before the regex runs; null when the pattern has alternations, groups, classes, escapes or
     * flags that make that unsafe.
     */
    static String requiredLiteral(Pattern p) {
      String s = p.pattern();
      if (p.flags() != 0 || s.matches(".*[|()\\[\\]{}\\\\].*")) {
        return null;
      }
      String best = null;
      StringBuilder run = new StringBuilder();
      for (int i = 0; i <= s.length(); i++) {
        char c = i < s.length() ? s.charAt(i) : '.';
        if (".^$*+?".indexOf(c) >= 0) {
          if (c == '*' || c == '?' || c == '+') {
            // the quantifier binds to the run's last character, which may then be absent or repeated
            if (run.length() > 0) {
              run.setLength(run.length() - 1);
            }
          }
          if (run.length() > 0 && (best == null || run.length() > best.length())) {
            best = run.toString();
          }
          run.setLength(0);
        } else {
          run.append(c);
        }
      }
      return best != null && best.length() >= 3 ? best : null;
    }

    @Override
    public boolean test(String value, JsonNode event) {
      if (required != null && !value.contains(required)) {
        return false;
      }
      java.util.regex.Matcher m = pattern.matcher(value);
      if (leadingDots && ((pattern.flags() & Pattern.DOTALL) != 0 || oneLine(value))) {
        return m.lookingAt();
      }
      return m.find();
    }

    private static boolean oneLine(String v) {
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code |cidr}: an IPv4 or IPv6 network. */
  record Cidr(byte[] network, int prefix) implements ValueMatcher {
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      String addr = slash < 0 ? text : text.substring(0, slash);
      if (!addr.matches("[0-9A-Fa-f:.]+")) {
        throw new UnsupportedRuleException("cidr value '" + text + "' is not an IP network");
      }
      byte[] net = IpLiteral.parse(addr);
      if (net == null) {
        throw new UnsupportedRuleException("cidr value '" + text + "' is not an IP network");
      }
      int p = slash < 0 ? net.length * 8 : Integer.parseInt(text.substring(slash + 1));
      if (p < 0 || p > net.length * 8) {
        throw new UnsupportedRuleException("cidr prefix of '" + text + "' out of range");
      }
      return new Cidr(net, p);
    }

    @Override
    public boolean test(String value, JsonNode event) {
      byte[] ip = IpLiteral.parse(value.trim());
      if (ip == null || ip.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (ip[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (ip[full] & mask) == (network[full] & mask);
    }
  }

  /** {@code |fieldref}: equal to (or with contains/startswith/endswith, related to) another field's value. */
  record FieldRef(FieldPath other, String mode, boolean cased) implements ValueMatcher {
    @Override
    public boolean test(String value, JsonNode event) {
      List<String> refs = new ArrayList<>(2);
      other.values(event, refs);
      for (String r : refs) {
        if (r == null) {
          continue;
        }
        String v = cased ? value : value.toLowerCase(java.util.Locale.ROOT);
        String w = cased ? r : r.toLowerCase(java.util.Locale.ROOT);
        boolean hit = switch (mode) {
          case "contains" -> v.contains(w);
          case "startswith" -> v.startsWith(w);
          case "endswith" -> v.endsWith(w);
          default -> v.equals(w);
        };
        if (hit) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code |lt}, {@code |lte}, {@code |gt}, {@code |gte}: numeric comparison. */
  record Compare(String op, BigDecimal bound) implements ValueMatcher {
    @Override
    public boolean test(String value, JsonNode event) {
      BigDecimal v;
      try {
        if (value.length() > 64) {
          return false;
        }
        v = new BigDecimal(value.trim());
      } catch (NumberFormatException e) {
        return false;
      }
      int c = v.compareTo(bound);
      return switch (op) {
        case "lt" -> c < 0;
        case "lte" -> c <= 0;
        case "gt" -> c > 0;
        default -> c >= 0;
      };
    }
  }

  /** {@code field: null}: absent or JSON null (handled by the field test, never called). */
  record Null() implements ValueMatcher {
    @Override
    public boolean test(String value, JsonNode event) {
      return false;
    }
  }

  /** IP literal parsing without name lookups (InetAddress.getByName would resolve host names). */
  final class IpLiteral {
    private IpLiteral() {}

    static byte[] parse(String s) {
      if (s.isEmpty() || s.length() > 45) {
        return null;
      }
      if (s.indexOf(':') < 0) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
          return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) {
            return null;
          }
          int v = Integer.parseInt(p[i]);
          if (v > 255) {
            return null;
          }
          b[i] = (byte) v;
        }
        return b;
      }
      if (!s.matches("[0-9A-Fa-f:.]+")) {
        return null;
      }
      try {
        // Only hex digits, colons and dots reach here: no name resolution can happen.
        return InetAddress.getByName(s).getAddress();
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }
  }
}
