package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.analyzer.sigma.Event;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One CloudTrail record as read: its top-level values as trees, except the request, response and
 * additional data, which are kept as the bytes the reader already checked and built into trees only
 * when first asked for (most records never are: the rules and summaries read them for a few event
 * names only).
 */
public final class TrailRecord implements Event {

  static final TrailRecord EMPTY = new TrailRecord(JsonNodeFactory.instance.objectNode());

  private final ObjectNode tree;
  private String[] rawKeys;
  private byte[][] raw;
  private int rawCount;

  TrailRecord(ObjectNode tree) {
    this.tree = tree;
  }

  /** Keeps {@code json}, one complete JSON object, as the value of {@code key}, built on first use. */
  void putRaw(String key, byte[] json) {
    if (rawKeys == null) {
      rawKeys = new String[4];
      raw = new byte[4][];
    } else if (rawCount == rawKeys.length) {
      rawKeys = java.util.Arrays.copyOf(rawKeys, rawCount * 2);
      raw = java.util.Arrays.copyOf(raw, rawCount * 2);
    }
    tree.remove(key);
    rawKeys[rawCount] = key;
    raw[rawCount++] = json;
  }

  boolean has(String key) {
    return get(key) != null;
  }

  @Override
  public JsonNode get(String key) {
    JsonNode n = tree.get(key);
    if (n == null && rawCount > 0) {
      for (int i = 0; i < rawCount; i++) {
        if (rawKeys[i].equals(key)) {
          return build(i);
        }
      }
    }
    return n;
  }

  @Override
  public JsonNode tree() {
    while (rawCount > 0) {
      build(rawCount - 1);
    }
    return tree;
  }

  private JsonNode build(int i) {
    JsonNode n;
    try (JsonParser p = CloudTrailReader.FACTORY.createParser(raw[i])) {
      p.nextToken();
      n = CloudTrailReader.node(p);
    } catch (IOException e) {
      // the reader tokenised these very bytes before keeping them
      throw new UncheckedIOException("Failed to build '" + rawKeys[i] + "' of a CloudTrail record: " + e.getMessage(), e);
    }
    tree.set(rawKeys[i], n);
    rawCount--;
    rawKeys[i] = rawKeys[rawCount];
    raw[i] = raw[rawCount];
    rawKeys[rawCount] = null;
    raw[rawCount] = null;
    return n;
  }

  @Override
  public String toString() {
    return tree().toString();
  }
}
