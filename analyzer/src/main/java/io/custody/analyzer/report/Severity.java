package io.custody.analyzer.report;

import java.util.List;
import java.util.Locale;

/** The one severity scale of the report: critical, high, medium, low, info. */
final class Severity {

  static final List<String> ORDER = List.of("critical", "high", "medium", "low", "info");

  private Severity() {}

  static int rank(String s) {
    int i = ORDER.indexOf(s);
    return i < 0 ? ORDER.size() : i;
  }

  /** Maps the words analyses use (Sigma levels, YARA-ish priorities, numbers) onto the scale. */
  static String normalise(String s) {
    if (s == null) {
      return "info";
    }
    String l = s.toLowerCase(Locale.ROOT).strip();
    return switch (l) {
      case "critical", "crit", "5" -> "critical";
      case "high", "4", "error" -> "high";
      case "medium", "moderate", "3", "warning", "warn" -> "medium";
      case "low", "2" -> "low";
      default -> "info";
    };
  }
}
