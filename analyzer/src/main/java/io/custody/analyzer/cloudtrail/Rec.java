package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** One CloudTrail record with the fields every part of the analysis reads, taken out once. */
final class Rec {

  /** Top-level keys the built-in analysis reads (the Sigma rules add theirs). */
  static final Set<String> KEYS = Set.of(
      "eventID", "eventName", "eventSource", "eventTime", "awsRegion", "sourceIPAddress", "userAgent",
      "errorCode", "userIdentity", "requestParameters", "responseElements", "additionalEventData");

  final JsonNode node;
  final String id;
  final String name;
  final String source;
  final String time;
  final String region;
  final String ip;
  final String agent;
  final String error;
  final String principal;
  final String accessKey;
  final String identityType;
  private String call;
  private long epoch;
  private boolean epochParsed;

  Rec(JsonNode node) {
    this.node = node;
    this.id = text(node, "eventID");
    this.name = orEmpty(text(node, "eventName"));
    this.source = orEmpty(text(node, "eventSource"));
    this.time = orEmpty(text(node, "eventTime"));
    this.region = text(node, "awsRegion");
    this.ip = text(node, "sourceIPAddress");
    this.agent = text(node, "userAgent");
    this.error = text(node, "errorCode");
    JsonNode ui = node.get("userIdentity");
    this.accessKey = ui == null ? null : text(ui, "accessKeyId");
    this.identityType = ui == null ? null : text(ui, "type");
    this.principal = principal(ui);
  }

  private Rec(Rec r) {
    this.node = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    this.id = r.id;
    this.name = r.name;
    this.source = r.source;
    this.time = r.time;
    this.region = r.region;
    this.ip = r.ip;
    this.agent = r.agent;
    this.error = r.error;
    this.principal = r.principal;
    this.accessKey = r.accessKey;
    this.identityType = r.identityType;
    this.epoch = r.epoch();
    this.epochParsed = true;
  }

  /** A copy without the record's body, for detectors that must remember events until the end. */
  Rec slim() {
    return new Rec(this);
  }

  /** The acting principal: its ARN, else type and principal id, else the invoking service. */
  private static String principal(JsonNode ui) {
    if (ui == null || !ui.isObject()) {
      return "(unknown)";
    }
    String arn = text(ui, "arn");
    if (arn != null && !arn.isEmpty()) {
      return arn;
    }
    String type = text(ui, "type");
    String pid = text(ui, "principalId");
    String invokedBy = text(ui, "invokedBy");
    if (invokedBy != null) {
      return (type == null ? "AWSService" : type) + ":" + invokedBy;
    }
    return (type == null ? "(unknown)" : type) + (pid == null ? "" : ":" + pid);
  }

  /** Seconds since the epoch of {@code eventTime}, parsed once; {@link Long#MIN_VALUE} when it is not an ISO-8601 instant. */
  long epoch() {
    if (!epochParsed) {
      epoch = epochSecond(time);
      epochParsed = true;
    }
    return epoch;
  }

  /**
   * What {@code Instant.parse(t).getEpochSecond()} gives, without java.time's general parser for the
   * shape CloudTrail writes ({@code 2024-08-01T12:34:56Z}, optionally with a fraction); any other text
   * goes to {@code Instant.parse}. {@link Long#MIN_VALUE} when it is not an instant.
   */
  static long epochSecond(String t) {
    long strict = strictEpochSecond(t);
    if (strict != Long.MIN_VALUE) {
      return strict;
    }
    try {
      return java.time.Instant.parse(t).getEpochSecond();
    } catch (java.time.format.DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }

  /**
   * Seconds since the epoch of a time in the one shape CloudTrail writes ({@code
   * 2024-08-01T12:34:56Z}, optionally with a fraction of a second), a real date and time of day;
   * {@link Long#MIN_VALUE} for anything else.
   */
  static long strictEpochSecond(String t) {
    int n = t.length();
    if (n >= 20 && n <= 30 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == 'T' && t.charAt(13) == ':'
        && t.charAt(16) == ':' && t.charAt(n - 1) == 'Z' && (n == 20 || (t.charAt(19) == '.' && n > 21 && digits(t, 20, n - 1)))) {
      int year = num(t, 0, 4);
      int month = num(t, 5, 7);
      int day = num(t, 8, 10);
      int hour = num(t, 11, 13);
      int minute = num(t, 14, 16);
      int second = num(t, 17, 19);
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= java.time.YearMonth.of(year, month).lengthOfMonth()
          && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
        return java.time.LocalDate.of(year, month, day).toEpochDay() * 86400L + hour * 3600L + minute * 60L + second;
      }
    }
    return Long.MIN_VALUE;
  }

  private static boolean digits(String t, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The decimal number in {@code t[from, to)}, or -1 when a character is not a digit. */
  private static int num(String t, int from, int to) {
    return digits(t, from, to) ? Integer.parseInt(t, from, to, 10) : -1;
  }

  /** {@code eventSource:eventName}, made once. */
  String call() {
    if (call == null) {
      call = source + ":" + name;
    }
    return call;
  }

  boolean succeeded() {
    return error == null || error.isEmpty() || error.equalsIgnoreCase("Success");
  }

  boolean is(String eventSource, String eventName) {
    return name.equals(eventName) && source.equals(eventSource);
  }

  /** The value at a dotted path, as text; null when absent or JSON null. */
  String at(String path) {
    JsonNode n = nodeAt(path);
    return n == null || n.isNull() || n.isMissingNode() ? null : n.isValueNode() ? n.asText() : n.toString();
  }

  JsonNode nodeAt(String path) {
    JsonNode n = node;
    int start = 0;
    while (n != null) {
      int dot = path.indexOf('.', start);
      n = n.get(dot < 0 ? path.substring(start) : path.substring(start, dot));
      if (dot < 0) {
        return n;
      }
      start = dot + 1;
    }
    return null;
  }

  static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
