package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a rule's {@code detection} block into selections and a condition. Anything it does not
 * evaluate exactly as the Sigma specification says throws {@link UnsupportedRuleException} with the
 * reason, so no rule is ever half-evaluated.
 */
final class DetectionCompiler {

  /** Modifiers that change how values are matched, evaluated here. */
  private static final Set<String> SUPPORTED = Set.of(
      "contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "exists", "cased", "fieldref",
      "base64", "base64offset", "lt", "lte", "gt", "gte");

  private DetectionCompiler() {}

  /** The compiled detection. */
  record Detection(Map<String, Selection> selections, Condition condition) {}

  static Detection compile(JsonNode detection) {
    if (detection == null || !detection.isObject()) {
      throw new UnsupportedRuleException("no detection block");
    }
    if (detection.has("timeframe")) {
      throw new UnsupportedRuleException("timeframe: correlations over time windows are not supported");
    }
    Map<String, Selection> selections = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = detection.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("condition")) {
        selections.put(e.getKey(), selection(e.getKey(), e.getValue()));
      }
    }
    JsonNode cond = detection.get("condition");
    if (cond == null) {
      throw new UnsupportedRuleException("detection has no condition");
    }
    Condition c;
    if (cond.isTextual()) {
      c = ConditionParser.parse(cond.asText(), selections);
    } else if (cond.isArray() && cond.size() > 0) {
      List<Condition> alternatives = new ArrayList<>();
      for (JsonNode n : cond) {
        if (!n.isTextual()) {
          throw new UnsupportedRuleException("condition list holds a non-string");
        }
        alternatives.add(ConditionParser.parse(n.asText(), selections));
      }
      c = alternatives.size() == 1 ? alternatives.get(0) : new Condition.Or(alternatives);
    } else {
      throw new UnsupportedRuleException("condition is neither a string nor a list of strings");
    }
    return new Detection(selections, c);
  }

  private static Selection selection(String name, JsonNode node) {
    if (node.isObject()) {
      return map(node);
    }
    if (node.isArray()) {
      boolean allMaps = true;
      boolean allScalars = true;
      for (JsonNode n : node) {
        allMaps &= n.isObject();
        allScalars &= n.isValueNode() && !n.isNull();
      }
      if (node.size() > 0 && allMaps) {
        List<Selection> alts = new ArrayList<>();
        for (JsonNode n : node) {
          alts.add(map(n));
        }
        return new Selection.AnyOf(alts);
      }
      if (node.size() > 0 && allScalars) {
        List<Glob> words = new ArrayList<>();
        for (JsonNode n : node) {
          String w = n.asText();
          words.add(Glob.of((w.startsWith("*") ? "" : "*") + w + (w.endsWith("*") && !w.endsWith("\\*") ? "" : "*"), false));
        }
        return new Selection.Keywords(words);
      }
    }
    if (node.isTextual() || node.isNumber()) {
      return new Selection.Keywords(List.of(Glob.of("*" + node.asText() + "*", false)));
    }
    throw new UnsupportedRuleException("search identifier '" + name + "' is neither a map, a list of maps nor keywords");
  }

  private static Selection map(JsonNode node) {
    List<FieldTest> tests = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      tests.add(field(e.getKey(), e.getValue()));
    }
    return new Selection.AllFields(tests);
  }

  private static FieldTest field(String key, JsonNode value) {
    String[] parts = key.split("\\|", -1);
    String field = parts[0];
    if (field.isEmpty()) {
      throw new UnsupportedRuleException("a value with modifiers but no field name ('" + key + "') is not supported");
    }
    List<String> mods = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String m = parts[i].toLowerCase(Locale.ROOT);
      if (!SUPPORTED.contains(m)) {
        throw new UnsupportedRuleException("modifier '" + parts[i] + "' (field " + field + ") is not supported");
      }
      mods.add(m);
    }
    FieldPath path = new FieldPath(field);
    List<JsonNode> values = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(values::add);
    } else {
      values.add(value);
    }
    if (values.isEmpty()) {
      throw new UnsupportedRuleException("field " + field + " has an empty list of values");
    }
    if (mods.contains("exists")) {
      if (values.size() != 1 || !values.get(0).isBoolean() || mods.size() != 1) {
        throw new UnsupportedRuleException("|exists on " + field + " needs exactly one boolean and no other modifier");
      }
      return new FieldTest(path, List.of(), false, values.get(0).asBoolean());
    }
    boolean all = mods.contains("all");
    List<ValueMatcher> matchers = new ArrayList<>();
    for (JsonNode v : values) {
      matchers.add(value(field, v, mods));
    }
    return new FieldTest(path, matchers, all, null);
  }

  private static ValueMatcher value(String field, JsonNode v, List<String> mods) {
    if (v.isNull()) {
      if (!mods.isEmpty()) {
        throw new UnsupportedRuleException("null value with modifiers on " + field);
      }
      return new ValueMatcher.Null();
    }
    if (!v.isValueNode()) {
      throw new UnsupportedRuleException("value of " + field + " is a nested structure");
    }
    String text = v.asText();
    boolean cased = mods.contains("cased");
    if (mods.contains("re")) {
      int flags = 0;
      for (String m : mods) {
        switch (m) {
          case "re", "i", "m", "s" -> { }
          default -> throw new UnsupportedRuleException("|re on " + field + " combined with |" + m);
        }
      }
      flags |= mods.contains("i") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
      flags |= mods.contains("m") ? Pattern.MULTILINE : 0;
      flags |= mods.contains("s") ? Pattern.DOTALL : 0;
      try {
        return new ValueMatcher.Regex(Pattern.compile(text, flags));
      } catch (PatternSyntaxException e) {
        throw new UnsupportedRuleException("regular expression of " + field + " does not compile: " + e.getDescription());
      }
    }
    for (String m : mods) {
      if (m.equals("i") || m.equals("m") || m.equals("s")) {
        throw new UnsupportedRuleException("|" + m + " without |re on " + field);
      }
    }
    if (mods.contains("cidr")) {
      if (mods.size() != 1) {
        throw new UnsupportedRuleException("|cidr combined with other modifiers on " + field);
      }
      return ValueMatcher.Cidr.parse(text);
    }
    for (String op : List.of("lt", "lte", "gt", "gte")) {
      if (mods.contains(op)) {
        if (mods.size() != 1 || !v.isNumber()) {
          throw new UnsupportedRuleException("|" + op + " on " + field + " needs a number and no other modifier");
        }
        return new ValueMatcher.Compare(op, new BigDecimal(text));
      }
    }
    String position = position(field, mods);
    if (mods.contains("fieldref")) {
      if (mods.contains("base64") || mods.contains("base64offset")) {
        throw new UnsupportedRuleException("|fieldref combined with base64 on " + field);
      }
      return new ValueMatcher.FieldRef(new FieldPath(text), position, cased);
    }
    if (mods.contains("base64offset")) {
      if (!"contains".equals(position)) {
        throw new UnsupportedRuleException("|base64offset without |contains on " + field);
      }
      List<ValueMatcher> any = new ArrayList<>();
      for (String b : base64Offsets(text)) {
        any.add(new ValueMatcher.Text(Glob.of("*" + b + "*", cased)));
      }
      return new ValueMatcher.AnyOf(any);
    }
    if (mods.contains("base64")) {
      text = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
    return new ValueMatcher.Text(Glob.of(wrap(text, position), cased));
  }

  private static String position(String field, List<String> mods) {
    String position = null;
    for (String p : List.of("contains", "startswith", "endswith")) {
      if (mods.contains(p)) {
        if (position != null) {
          throw new UnsupportedRuleException("|" + position + " and |" + p + " together on " + field);
        }
        position = p;
      }
    }
    return position == null ? "equals" : position;
  }

  private static String wrap(String text, String position) {
    return switch (position) {
      case "contains" -> "*" + text + "*";
      case "startswith" -> text + "*";
      case "endswith" -> "*" + text;
      default -> text;
    };
  }

  /** Sigma's base64offset: the value base64-encoded at stream offsets 0, 1 and 2 (pySigma's slicing). */
  static List<String> base64Offsets(String text) {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    int[] start = {0, 2, 3};
    int[] endCut = {0, 3, 2};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] shifted = new byte[raw.length + i];
      java.util.Arrays.fill(shifted, 0, i, (byte) ' ');
      System.arraycopy(raw, 0, shifted, i, raw.length);
      String enc = Base64.getEncoder().encodeToString(shifted);
      int end = enc.length() - endCut[(raw.length + i) % 3];
      out.add(enc.substring(Math.min(start[i], end), end));
    }
    return out;
  }
}
