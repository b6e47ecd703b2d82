package io.custody.analyzer.mount;

import io.custody.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LVM's text metadata format ({@code lib/config}): sections {@code name { … }}, assignments {@code key
 * = value} where a value is a quoted string (with {@code \"} and {@code \\} escapes), an integer, a
 * float (kept as text) or an array {@code [v, v, …]}; {@code #} comments to the end of the line.
 * Sections become maps in order, integers {@code Long}, arrays lists. Bounded in depth and entries;
 * anything else is an error naming the line.
 */
final class LvmText {

  static final int MAX_DEPTH = 32;
  static final int MAX_ENTRIES = 200_000;

  private final String text;
  private final String name;
  private int at;
  private int entries;

  private LvmText(String text, String name) {
    this.text = text;
    this.name = name;
  }

  static Map<String, Object> parse(String text, String name) {
    return new LvmText(text, name).section(0, false);
  }

  private Map<String, Object> section(int depth, boolean closed) {
    if (depth > MAX_DEPTH) {
      throw error("sections nested deeper than " + MAX_DEPTH);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    while (true) {
      skip();
      if (at >= text.length()) {
        if (closed) {
          throw error("a section is not closed");
        }
        return out;
      }
      if (text.charAt(at) == '}') {
        if (!closed) {
          throw error("'}' without a section");
        }
        at++;
        return out;
      }
      String key = identifier();
      if (++entries > MAX_ENTRIES) {
        throw error("more than " + MAX_ENTRIES + " entries");
      }
      skip();
      if (at < text.length() && text.charAt(at) == '{') {
        at++;
        out.putIfAbsent(key, section(depth + 1, true));
      } else if (at < text.length() && text.charAt(at) == '=') {
        at++;
        skip();
        out.putIfAbsent(key, value(depth));
      } else {
        throw error("'=' or '{' expected after '" + io.custody.evidence.Printable.of(key) + "'");
      }
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("arrays nested deeper than " + MAX_DEPTH);
    }
    if (at >= text.length()) {
      throw error("a value expected");
    }
    char c = text.charAt(at);
    if (c == '"') {
      return string();
    }
    if (c == '[') {
      at++;
      List<Object> list = new ArrayList<>();
      while (true) {
        skip();
        if (at < text.length() && text.charAt(at) == ']') {
          at++;
          return list;
        }
        if (++entries > MAX_ENTRIES) {
          throw error("more than " + MAX_ENTRIES + " entries");
        }
        list.add(value(depth + 1));
        skip();
        if (at < text.length() && text.charAt(at) == ',') {
          at++;
        } else if (at >= text.length() || text.charAt(at) != ']') {
          throw error("',' or ']' expected in an array");
        }
      }
    }
    int start = at;
    while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "+-._".indexOf(text.charAt(at)) >= 0)) {
      at++;
    }
    String token = text.substring(start, at);
    if (token.isEmpty()) {
      throw error("a value expected");
    }
    if (token.matches("-?\\d{1,18}")) {
      return Long.valueOf(token);
    }
    return token;
  }

  private String string() {
    StringBuilder b = new StringBuilder();
    at++;
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\' && at < text.length()) {
        c = text.charAt(at++);
      }
      b.append(c);
    }
    throw error("a string is not closed");
  }

  private String identifier() {
    int start = at;
    while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "_+-.".indexOf(text.charAt(at)) >= 0)) {
      at++;
    }
    if (start == at) {
      throw error("a name expected, found '" + io.custody.evidence.Printable.of(String.valueOf(text.charAt(at))) + "'");
    }
    return text.substring(start, at);
  }

  private void skip() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '#') {
        while (at < text.length() && text.charAt(at) != '\n') {
          at++;
        }
      } else if (Character.isWhitespace(c)) {
        at++;
      } else {
        return;
      }
    }
  }

  private InvalidInputException error(String what) {
    int line = 1;
    for (int i = 0; i < Math.min(at, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return new InvalidInputException("Failed to read the LVM metadata of " + name + ": line " + line + ": " + what);
  }
}
