package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds CloudTrail-shaped events from a rule's own detection: one meant to match (a satisfying
 * truth assignment of its search identifiers, each true one filled with sample values derived from
 * its values and modifiers, each false one broken on one field) and near misses meant not to (the
 * falsifying assignments with the most identifiers true). It reasons about values on its own (plain
 * equality only) and never asks the engine, so the engine's verdict on the result is a real test.
 */
final class RuleExamples {

  static final String ABSENT = new String("<absent>");
  static final String NOMATCH = "\u00a7\u00a7\u00a7";

  /** An event and the identifier assignment it was built for. */
  record Example(ObjectNode event, Map<String, Boolean> assignment) {}

  private final JsonNode detection;
  private final Condition condition;
  private final List<String> names = new ArrayList<>();

  RuleExamples(JsonNode detection, Condition condition) {
    this.detection = detection;
    this.condition = condition;
    detection.fieldNames().forEachRemaining(n -> {
      if (!n.equals("condition")) {
        names.add(n);
      }
    });
  }

  Optional<Example> matching() {
    return assignments(true).stream().map(this::build).flatMap(Optional::stream).findFirst();
  }

  List<Example> nearMisses(int max) {
    return assignments(false).stream().map(this::build).flatMap(Optional::stream).limit(max).toList();
  }

  private List<Map<String, Boolean>> assignments(boolean want) {
    List<Map<String, Boolean>> out = new ArrayList<>();
    for (int bits = 0; bits < 1 << names.size(); bits++) {
      Map<String, Boolean> a = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        a.put(names.get(i), (bits >> i & 1) == 1);
      }
      if (eval(condition, a) == want) {
        out.add(a);
      }
    }
    Comparator<Map<String, Boolean>> byTrue = Comparator.comparingLong(a -> a.values().stream().filter(b -> b).count());
    out.sort(want ? byTrue : byTrue.reversed());
    return out;
  }

  static boolean eval(Condition c, Map<String, Boolean> a) {
    if (c instanceof Condition.Ref r) {
      return a.get(r.name());
    }
    if (c instanceof Condition.Not n) {
      return !eval(n.inner(), a);
    }
    if (c instanceof Condition.And x) {
      return x.parts().stream().allMatch(p -> eval(p, a));
    }
    if (c instanceof Condition.Or x) {
      return x.parts().stream().anyMatch(p -> eval(p, a));
    }
    Condition.Of of = (Condition.Of) c;
    long hits = of.names().stream().filter(a::get).count();
    return of.all() ? hits == of.names().size() : hits >= of.min();
  }

  private Optional<Example> build(Map<String, Boolean> assignment) {
    Map<String, String> fixed = new LinkedHashMap<>();
    for (String n : names) {
      if (assignment.get(n) && !makeTrue(detection.get(n), fixed)) {
        return Optional.empty();
      }
    }
    for (String n : names) {
      if (!assignment.get(n) && !makeFalse(detection.get(n), fixed)) {
        return Optional.empty();
      }
    }
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, String> e : fixed.entrySet()) {
      if (e.getValue() != ABSENT && !put(event, e.getKey().split("\\."), e.getValue())) {
        return Optional.empty();
      }
    }
    return Optional.of(new Example(event, assignment));
  }

  private static boolean put(ObjectNode event, String[] path, String value) {
    ObjectNode cur = event;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode next = cur.get(path[i]);
      if (next == null) {
        cur = cur.putObject(path[i]);
      } else if (next.isObject()) {
        cur = (ObjectNode) next;
      } else {
        return false;
      }
    }
    if (cur.has(path[path.length - 1])) {
      return false;
    }
    cur.put(path[path.length - 1], value);
    return true;
  }

  private boolean makeTrue(JsonNode sel, Map<String, String> fixed) {
    if (sel.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = sel.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Spec s = new Spec(e.getKey(), e.getValue());
        if (s.mods.contains("fieldref")) {
          String v = "ref-" + s.field.hashCode();
          if (!fix(fixed, s.field, v) || !fix(fixed, s.values.get(0).asText(), v)) {
            return false;
          }
        } else if (!fix(fixed, s.field, s.positive())) {
          return false;
        }
      }
      return true;
    }
    if (sel.isArray() && sel.size() > 0 && sel.get(0).isObject()) {
      for (JsonNode alt : sel) {
        Map<String, String> trial = new LinkedHashMap<>(fixed);
        if (makeTrue(alt, trial)) {
          fixed.clear();
          fixed.putAll(trial);
          return true;
        }
      }
      return false;
    }
    String word = sel.isArray() ? sel.get(0).asText() : sel.asText();
    return fix(fixed, "custodyKeywordCarrier", "text " + sample(word) + " text");
  }

  private boolean makeFalse(JsonNode sel, Map<String, String> fixed) {
    if (sel.isObject()) {
      List<Spec> specs = new ArrayList<>();
      sel.properties().forEach(e -> specs.add(new Spec(e.getKey(), e.getValue())));
      for (Spec s : specs) {
        if (fixed.containsKey(s.field) && s.falsifiedBy(fixed.get(s.field))) {
          return true;
        }
      }
      for (Spec s : specs) {
        String v = s.negative();
        if (v != null && !fixed.containsKey(s.field)) {
          fixed.put(s.field, v);
          return true;
        }
      }
      return false;
    }
    if (sel.isArray() && sel.size() > 0 && sel.get(0).isObject()) {
      for (JsonNode alt : sel) {
        if (!makeFalse(alt, fixed)) {
          return false;
        }
      }
      return true;
    }
    return true; // keywords: no sample value carries them
  }

  private static boolean fix(Map<String, String> fixed, String field, String value) {
    String old = fixed.putIfAbsent(field, value);
    return old == null || old.equals(value);
  }

  /** One {@code field|modifiers: values} line. */
  private static final class Spec {
    final String field;
    final List<String> mods = new ArrayList<>();
    final List<JsonNode> values = new ArrayList<>();

    Spec(String key, JsonNode value) {
      String[] p = key.split("\\|");
      field = p[0];
      for (int i = 1; i < p.length; i++) {
        mods.add(p[i].toLowerCase(Locale.ROOT));
      }
      if (value.isArray()) {
        value.forEach(values::add);
      } else {
        values.add(value);
      }
    }

    String positive() {
      if (mods.contains("exists")) {
        return values.get(0).asBoolean() ? "present" : ABSENT;
      }
      JsonNode v = values.get(0);
      if (v.isNull()) {
        return ABSENT;
      }
      if (mods.contains("re")) {
        return RegexSample.of(v.asText());
      }
      if (mods.contains("cidr")) {
        String net = v.asText();
        return net.substring(0, net.indexOf('/') < 0 ? net.length() : net.indexOf('/'));
      }
      for (String op : List.of("lt", "lte", "gt", "gte")) {
        if (mods.contains(op)) {
          return String.valueOf(v.asLong() + (op.startsWith("lt") ? -1 : 1));
        }
      }
      List<String> parts = new ArrayList<>();
      for (JsonNode x : mods.contains("all") ? values : List.of(v)) {
        parts.add(one(x.asText()));
      }
      return String.join(" ", parts);
    }

    private String one(String raw) {
      String v = raw;
      if (mods.contains("base64")) {
        v = Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
      }
      if (mods.contains("base64offset")) {
        v = DetectionCompiler.base64Offsets(raw).get(0);
      }
      String s = sample(v);
      if (!mods.contains("cased") && !mods.contains("base64") && !mods.contains("base64offset")) {
        s = flipCase(s);
      }
      if (mods.contains("contains")) {
        return "Zq" + s + "Zq";
      }
      if (mods.contains("startswith")) {
        return s + "Zq";
      }
      return mods.contains("endswith") ? "Zq" + s : s;
    }

    /** A value that makes this line false, or null when there is none. */
    String negative() {
      if (mods.contains("exists")) {
        return values.get(0).asBoolean() ? ABSENT : "present";
      }
      boolean hasNull = values.stream().anyMatch(JsonNode::isNull);
      boolean matchesAnything = values.stream().anyMatch(v -> !v.isNull() && matchesAnyPresent(v.asText()));
      if (hasNull) {
        return matchesAnything ? null : NOMATCH;
      }
      return matchesAnything || mods.contains("fieldref") ? ABSENT : NOMATCH;
    }

    private boolean matchesAnyPresent(String v) {
      if (mods.contains("re")) {
        return Pattern.compile(v).matcher(NOMATCH).find();
      }
      return !mods.contains("cidr") && !mods.contains("fieldref") && v.replace("*", "").isEmpty();
    }

    /** Whether a value already fixed by another identifier surely makes this line false (plain equality only). */
    boolean falsifiedBy(String fixedValue) {
      if (mods.contains("exists")) {
        return values.get(0).asBoolean() == (fixedValue == ABSENT);
      }
      boolean hasNull = values.stream().anyMatch(JsonNode::isNull);
      if (fixedValue == ABSENT) {
        return !hasNull;
      }
      if (!mods.isEmpty()) {
        return false;
      }
      for (JsonNode v : values) {
        if (!v.isNull() && (v.asText().contains("*") || v.asText().contains("?") || v.asText().equalsIgnoreCase(fixedValue))) {
          return false;
        }
      }
      return true;
    }
  }

  /** A Sigma value with its wildcards filled in. */
  static String sample(String sigma) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sigma.length(); i++) {
      char c = sigma.charAt(i);
      if (c == '\\' && i + 1 < sigma.length() && "*?\\".indexOf(sigma.charAt(i + 1)) >= 0) {
        sb.append(sigma.charAt(++i));
      } else if (c == '*') {
        sb.append("Zq");
      } else if (c == '?') {
        sb.append('x');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String flipCase(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return sb.toString();
  }
}
