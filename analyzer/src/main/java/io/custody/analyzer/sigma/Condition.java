package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A parsed {@code condition}: identifiers combined with and/or/not, parentheses and {@code N of}. */
sealed interface Condition {

  boolean test(JsonNode event, List<String> scratch);

  /** A search identifier, bound to its selection when the condition is parsed. */
  record Ref(String name, Selection selection) implements Condition {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      return selection.test(event, scratch);
    }
  }

  record Not(Condition inner) implements Condition {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      return !inner.test(event, scratch);
    }
  }

  record And(List<Condition> parts) implements Condition {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      for (Condition c : parts) {
        if (!c.test(event, scratch)) {
          return false;
        }
      }
      return true;
    }
  }

  record Or(List<Condition> parts) implements Condition {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      for (Condition c : parts) {
        if (c.test(event, scratch)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * {@code 1 of x*}, {@code all of them}, {@code N of x*}: at least {@code min} of the named
   * selections (min = size for "all").
   *
   * @param pattern as written, for messages
   * @param selections the named selections, in the order of {@code names}
   */
  record Of(int min, boolean all, String pattern, List<String> names, List<Selection> selections) implements Condition {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      int hits = 0;
      for (Selection s : selections) {
        if (s.test(event, scratch)) {
          if (++hits >= min) {
            return true;
          }
        } else if (all) {
          return false;
        }
      }
      return hits >= min;
    }
  }
}
