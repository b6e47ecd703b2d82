package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code field|modifiers: value(s)} line of a selection: true when any value matches (all of
 * them with {@code |all}). {@code null} matches an absent field or JSON null; {@code |exists} tests
 * presence only.
 */
final class FieldTest {

  private final FieldPath path;
  private final List<ValueMatcher> matchers;
  private final boolean all;
  private final boolean matchNull;
  private final Boolean exists;

  FieldTest(FieldPath path, List<ValueMatcher> matchers, boolean all, Boolean exists) {
    this.path = path;
    this.matchers = List.copyOf(matchers.stream().filter(m -> !(m instanceof ValueMatcher.Null)).toList());
    this.matchNull = matchers.stream().anyMatch(m -> m instanceof ValueMatcher.Null);
    this.all = all;
    this.exists = exists;
  }

  FieldPath path() {
    return path;
  }

  boolean test(JsonNode event, List<String> scratch) {
    if (exists != null) {
      return path.exists(event) == exists;
    }
    scratch.clear();
    path.values(event, scratch);
    if (matchNull && (scratch.isEmpty() || scratch.contains(null))) {
      return true;
    }
    if (matchers.isEmpty()) {
      return false;
    }
    if (all) {
      for (ValueMatcher m : matchers) {
        if (!any(m, scratch, event)) {
          return false;
        }
      }
      return true;
    }
    for (ValueMatcher m : matchers) {
      if (any(m, scratch, event)) {
        return true;
      }
    }
    return false;
  }

  private static boolean any(ValueMatcher m, List<String> values, JsonNode event) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v != null && m.test(v, event)) {
        return true;
      }
    }
    return false;
  }

  /** Adds the top-level keys of fields this test refers to ({@code |fieldref}). */
  void referencedHeads(java.util.Set<String> out) {
    for (ValueMatcher m : matchers) {
      if (m instanceof ValueMatcher.FieldRef f) {
        out.add(f.other().head());
      }
    }
  }

  /**
   * The literal values one of which an event's value must equal or start with for this test to pass,
   * lower-case, or null when the test is not made only of such values; {@code prefixes} tells which.
   */
  List<String> literals(boolean prefixes) {
    if (exists != null || matchNull || all) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (ValueMatcher m : matchers) {
      if (!(m instanceof ValueMatcher.Text t) || !(prefixes ? t.glob().isPrefixIgnoreCase() : t.glob().isExactIgnoreCase())) {
        return null;
      }
      out.add(t.glob().literal());
    }
    return out;
  }
}
