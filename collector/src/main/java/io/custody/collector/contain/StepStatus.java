package io.custody.collector.contain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a playbook step ended: done (now or already), skipped (with the reason), failed, or planned (dry run). */
public enum StepStatus {
  DONE,
  SKIPPED,
  FAILED,
  PLANNED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
