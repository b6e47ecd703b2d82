package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A named search identifier of a rule's detection: a map (all fields), a list of maps (any) or keywords. */
sealed interface Selection {

  boolean test(JsonNode event, List<String> scratch);

  /** A map: every field test must pass. */
  record AllFields(List<FieldTest> tests) implements Selection {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      for (FieldTest t : tests) {
        if (!t.test(event, scratch)) {
          return false;
        }
      }
      return true;
    }
  }

  /** A list of maps: any of them. */
  record AnyOf(List<Selection> alternatives) implements Selection {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      for (Selection s : alternatives) {
        if (s.test(event, scratch)) {
          return true;
        }
      }
      return false;
    }
  }

  /** A list of plain values: a full-text search of every string in the event. */
  record Keywords(List<Glob> words) implements Selection {
    @Override
    public boolean test(JsonNode event, List<String> scratch) {
      return search(event);
    }

    private boolean search(JsonNode n) {
      if (n.isContainerNode()) {
        for (JsonNode c : n) {
          if (search(c)) {
            return true;
          }
        }
        return false;
      }
      if (n.isNull() || n.isMissingNode()) {
        return false;
      }
      String text = n.asText();
      for (Glob g : words) {
        if (g.matches(text)) {
          return true;
        }
      }
      return false;
    }
  }
}
