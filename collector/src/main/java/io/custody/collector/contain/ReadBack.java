package io.custody.collector.contain;

import io.custody.evidence.ExitCode;
import java.util.List;
import java.util.function.Supplier;

/**
 * A containment step is done only when its effect shows when read back from AWS: the interfaces
 * hold only the quarantine group, the instance is out of its Auto Scaling group and its load
 * balancers, the key is Inactive, the policy attached. AWS reads are eventually consistent, so the
 * effect is looked for a few times over about 7.5 s before the step is called failed, with what was
 * found. {@link Playbook} reads back the steps that changed something; a step that found its effect
 * already in place has just read it.
 */
final class ReadBack {

  /** Waits before each look; the first look is at once. */
  static final long[] WAITS_MS = {0, 500, 1000, 2000, 4000};

  private ReadBack() {}

  /**
   * The step's result once its effect is seen; a failed result naming what was found otherwise. Only
   * a done step is checked.
   *
   * @param problem what is not as the step made it, or null when the effect shows
   */
  static StepResult verified(StepResult r, Supplier<String> problem) {
    if (r.status() != StepStatus.DONE) {
      return r;
    }
    String found = null;
    for (long wait : WAITS_MS) {
      if (wait > 0) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      found = problem.get();
      if (found == null) {
        return r;
      }
    }
    return new StepResult(r.name(), StepStatus.FAILED, "the change does not show when read back: " + found + " (was: " + r.detail() + ")",
        r.requestId(), ExitCode.AWS, r.resources() == null ? List.of() : r.resources());
  }
}
