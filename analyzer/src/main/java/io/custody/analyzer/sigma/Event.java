package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the rules read of an event: its top-level values by name, which a reader may build only when
 * first asked for, and the whole tree for keyword searches.
 */
public interface Event {

  /** The top-level value named {@code key}; null when the event has none. */
  JsonNode get(String key);

  /** The whole event as one tree. */
  JsonNode tree();

  /** An event that is already a tree. */
  static Event of(JsonNode node) {
    return new Event() {
      @Override
      public JsonNode get(String key) {
        return node.get(key);
      }

      @Override
      public JsonNode tree() {
        return node;
      }
    };
  }
}
