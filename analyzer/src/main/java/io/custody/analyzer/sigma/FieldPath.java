package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A dotted Sigma field name resolved against a JSON event: objects are descended by name, arrays
 * fan out over their elements. A leaf scalar yields its text; a leaf object or array of objects
 * yields its compact JSON (so {@code requestParameters|contains: 'Suspended'} searches the whole
 * request, as the rules expect); JSON null yields null.
 */
final class FieldPath {

  private final String name;
  private final String[] parts;

  FieldPath(String name) {
    this.name = name;
    this.parts = name.split("\\.", -1);
  }

  String name() {
    return name;
  }

  /** The first path segment: the top-level key an event must keep for this field. */
  String head() {
    return parts[0];
  }

  String[] parts() {
    return parts.clone();
  }

  /** True when the field is present (even as JSON null). */
  boolean exists(JsonNode event) {
    return find(event, 0) != null;
  }

  /**
   * Adds the values at this path to {@code out}: text for scalars, compact JSON for objects, a Java
   * null for JSON null. Nothing when absent.
   */
  void values(JsonNode event, List<String> out) {
    collect(event, 0, out);
  }

  private JsonNode find(JsonNode node, int i) {
    JsonNode cur = node;
    for (int k = i; k < parts.length; k++) {
      if (cur == null) {
        return null;
      }
      if (cur.isArray()) {
        for (JsonNode e : cur) {
          JsonNode f = find(e, k);
          if (f != null) {
            return f;
          }
        }
        return null;
      }
      JsonNode next = cur.get(parts[k]);
      if (next == null && k + 1 < parts.length && cur.isObject()) {
        // A key that itself holds dots ("a.b") is looked up whole.
        next = cur.get(String.join(".", java.util.Arrays.copyOfRange(parts, k, parts.length)));
        if (next != null) {
          return next;
        }
      }
      cur = next;
    }
    return cur;
  }

  private void collect(JsonNode node, int i, List<String> out) {
    JsonNode cur = node;
    for (int k = i; k < parts.length; k++) {
      if (cur == null || cur.isMissingNode()) {
        return;
      }
      if (cur.isArray()) {
        for (JsonNode e : cur) {
          collect(e, k, out);
        }
        return;
      }
      if (!cur.isObject()) {
        return;
      }
      JsonNode next = cur.get(parts[k]);
      if (next == null && k + 1 < parts.length) {
        next = cur.get(String.join(".", java.util.Arrays.copyOfRange(parts, k, parts.length)));
        if (next != null) {
          leaf(next, out);
          return;
        }
      }
      cur = next;
    }
    if (cur != null) {
      leaf(cur, out);
    }
  }

  private static void leaf(JsonNode n, List<String> out) {
    if (n.isNull()) {
      out.add(null);
    } else if (n.isValueNode()) {
      out.add(n.asText());
    } else if (n.isArray()) {
      boolean scalars = true;
      for (JsonNode e : n) {
        scalars &= e.isValueNode();
      }
      if (scalars) {
        for (JsonNode e : n) {
          out.add(e.isNull() ? null : e.asText());
        }
      } else {
        for (JsonNode e : n) {
          out.add(e.isValueNode() ? (e.isNull() ? null : e.asText()) : e.toString());
        }
      }
    } else {
      out.add(n.toString());
    }
  }
}
