package io.custody.analyzer.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Sigma condition: {@code or} binds weakest, then {@code and}, then {@code not};
 * parentheses; {@code 1 of x*}, {@code all of x*}, {@code any of}, {@code N of}, {@code them}.
 * Aggregations ({@code | count()}, {@code | near}) are rejected as unsupported.
 */
final class ConditionParser {

  private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|[A-Za-z0-9_*.\\-]+)");
  private static final int MAX_DEPTH = 32;

  private final List<String> tokens;
  private final Map<String, Selection> identifiers;
  private int pos;
  private int depth;

  private ConditionParser(List<String> tokens, Map<String, Selection> identifiers) {
    this.tokens = tokens;
    this.identifiers = identifiers;
  }

  /**
   * @param identifiers the detection's search identifiers, in rule order
   * @throws UnsupportedRuleException for aggregations, unknown identifiers or syntax errors
   */
  static Condition parse(String text, Map<String, Selection> identifiers) {
    if (text.length() > 4096) {
      throw new UnsupportedRuleException("condition longer than 4096 characters");
    }
    if (text.indexOf('|') >= 0) {
      throw new UnsupportedRuleException("condition '" + text.strip() + "' uses an aggregation (| count/near): correlations are not supported");
    }
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (text.substring(at).isBlank()) {
        break;
      }
      if (!m.find(at) || m.start() != at) {
        throw new UnsupportedRuleException("condition '" + text + "': cannot parse at offset " + at);
      }
      tokens.add(m.group(1));
      at = m.end();
    }
    ConditionParser p = new ConditionParser(tokens, identifiers);
    Condition c = p.or();
    if (p.pos != tokens.size()) {
      throw new UnsupportedRuleException("condition '" + text + "': unexpected '" + tokens.get(p.pos) + "'");
    }
    return c;
  }

  private Condition or() {
    List<Condition> parts = new ArrayList<>();
    parts.add(and());
    while (peekIs("or")) {
      pos++;
      parts.add(and());
    }
    return parts.size() == 1 ? parts.get(0) : new Condition.Or(parts);
  }

  private Condition and() {
    List<Condition> parts = new ArrayList<>();
    parts.add(not());
    while (peekIs("and")) {
      pos++;
      parts.add(not());
    }
    return parts.size() == 1 ? parts.get(0) : new Condition.And(parts);
  }

  private Condition not() {
    if (peekIs("not")) {
      pos++;
      return new Condition.Not(not());
    }
    return primary();
  }

  private Condition primary() {
    String t = next();
    if (t.equals("(")) {
      if (++depth > MAX_DEPTH) {
        throw new UnsupportedRuleException("condition nests deeper than " + MAX_DEPTH);
      }
      Condition c = or();
      expect(")");
      depth--;
      return c;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (peekIs("of") && (lower.equals("all") || lower.equals("any") || lower.matches("[0-9]{1,3}"))) {
      pos++;
      String pattern = next();
      List<String> names = resolve(pattern);
      boolean all = lower.equals("all");
      int min = all ? names.size() : lower.equals("any") ? 1 : Integer.parseInt(lower);
      return new Condition.Of(min, all, pattern, names, names.stream().map(identifiers::get).toList());
    }
    if (isKeyword(lower) || t.equals(")")) {
      throw new UnsupportedRuleException("condition: unexpected '" + t + "'");
    }
    if (!identifiers.containsKey(t)) {
      throw new UnsupportedRuleException("condition names '" + t + "', which is not a search identifier of the detection");
    }
    return new Condition.Ref(t, identifiers.get(t));
  }

  private List<String> resolve(String pattern) {
    List<String> names = new ArrayList<>();
    if (pattern.equals("them")) {
      for (String id : identifiers.keySet()) {
        if (!id.startsWith("_")) {
          names.add(id);
        }
      }
    } else {
      Glob g = Glob.of(pattern, true);
      for (String id : identifiers.keySet()) {
        if (g.matches(id)) {
          names.add(id);
        }
      }
    }
    if (names.isEmpty()) {
      throw new UnsupportedRuleException("condition: '" + pattern + "' names no search identifier");
    }
    return names;
  }

  private static boolean isKeyword(String t) {
    return t.equals("and") || t.equals("or") || t.equals("not") || t.equals("of");
  }

  private boolean peekIs(String word) {
    return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(word);
  }

  private String next() {
    if (pos >= tokens.size()) {
      throw new UnsupportedRuleException("condition ends too early");
    }
    return tokens.get(pos++);
  }

  private void expect(String t) {
    if (!next().equals(t)) {
      throw new UnsupportedRuleException("condition: expected '" + t + "'");
    }
  }
}
