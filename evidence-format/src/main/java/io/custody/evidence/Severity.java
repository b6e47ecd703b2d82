package io.custody.evidence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The one severity scale of every finding Custody reports, most severe first. Written in JSON as the
 * lower-case word ({@code "high"}); read back from that word or from the words other tools use
 * (Sigma levels, numbers 1-5, warning/error).
 */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /** The word written in reports and JSON. */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for medium and above: what makes an analysis exit 1 (findings). */
  public boolean actionable() {
    return compareTo(MEDIUM) <= 0;
  }

  /** The more severe of the two. */
  public Severity max(Severity other) {
    return other != null && other.compareTo(this) < 0 ? other : this;
  }

  /**
   * Maps the words analyses and rule sets use onto the scale: the scale's own words, Sigma's levels
   * ({@code informational}), numbers 5 (critical) to 1, {@code error}/{@code warning}; anything else,
   * or null, is {@link #INFO}.
   */
  @JsonCreator
  public static Severity of(String word) {
    if (word == null) {
      return INFO;
    }
    return switch (word.toLowerCase(Locale.ROOT).strip()) {
      case "critical", "crit", "5" -> CRITICAL;
      case "high", "4", "error" -> HIGH;
      case "medium", "moderate", "3", "warning", "warn" -> MEDIUM;
      case "low", "2" -> LOW;
      default -> INFO;
    };
  }

  @Override
  public String toString() {
    return label();
  }
}
