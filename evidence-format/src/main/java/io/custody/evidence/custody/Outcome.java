package io.custody.evidence.custody;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a custody entry says about its action: {@code intent} is written before the action, one of
 * {@code succeeded}, {@code failed}, {@code partial} after it; {@code recorded} marks a fact with no
 * action (a case opened, a note).
 */
public enum Outcome {
  INTENT,
  SUCCEEDED,
  FAILED,
  PARTIAL,
  RECORDED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Outcome parse(String text) {
    for (Outcome o : values()) {
      if (o.label().equals(text)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown outcome '" + text + "'");
  }
}
