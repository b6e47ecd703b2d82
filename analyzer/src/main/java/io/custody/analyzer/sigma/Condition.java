package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** A parsed {@code condition}: identifiers combined with and/or/not, parentheses and {@code N of}. */
sealed interface Condition {

  boolean test(JsonNode event, Map<String, Selection> selections, List<String> scratch);

  record Ref(String name) implements Condition {
    @Override
    public boolean test(JsonNode event, Map<String, Selection> selections, List<String> scratch) {
      return selections.get(name).test(event, scratch);
    }
  }

  record Not(Condition inner) implements Condition {
    @Override
    public boolean test(JsonNode event, Map<String, Selection> selections, List<String> scratch) {
      return !inner.test(event, selections, scratch);
    }
  }

  record And(List<Condition> parts) implements Condition {
    @Override
    public boolean test(JsonNode event, Map<String, Selection> selections, List<String> scratch) {
      for (Condition c : parts) {
        if (!c.test(event, selections, scratch)) {
          return false;
        }
      }
      return true;
    }
  }

  record Or(List<Condition> parts) implements Condition {
    @Override
    public boolean test(JsonNode event, Map<String, Selection> selections, List<String> scratch) {
      for (Condition c : parts) {
        if (c.test(event, selections, scratch)) {
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
   */
  record Of(int min, boolean all, String pattern, List<String> names) implements Condition {
    @Override
    public boolean test(JsonNode event, Map<String, Selection> selections, List<String> scratch) {
      int need = all ? names.size() : min;
      int hits = 0;
      for (int i = 0; i < names.size(); i++) {
        if (selections.get(names.get(i)).test(event, scratch)) {
          if (++hits >= need) {
            return true;
          }
        } else if (all) {
          return false;
        }
      }
      return hits >= need;
    }
  }
}
