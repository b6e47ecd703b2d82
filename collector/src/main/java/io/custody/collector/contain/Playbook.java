package io.custody.collector.contain;

import io.custody.evidence.CustodyException;
import io.custody.evidence.ExitCode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs named steps in order. A step checks the current state before it changes anything, so a
 * rerun after a crash finishes the plan without doing anything twice. A failed step is reported and
 * the following steps still run (containment should go as far as it can); the run's exit code is
 * the first failure's. Each step is printed to stderr as it ends.
 */
final class Playbook {

  /** One step. */
  interface Step {
    String name();

    StepResult run();
  }

  private final List<Step> steps;
  private final PrintStream log;

  Playbook(List<Step> steps, PrintStream log) {
    this.steps = List.copyOf(steps);
    this.log = log;
  }

  static Step step(String name, java.util.function.Supplier<StepResult> body) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StepResult run() {
        return body.get();
      }
    };
  }

  PlaybookReport run() {
    List<StepResult> results = new ArrayList<>();
    for (Step s : steps) {
      StepResult r;
      try {
        r = s.run();
      } catch (CustodyException e) {
        r = new StepResult(s.name(), StepStatus.FAILED, e.getMessage(), null, e.exitCode());
      } catch (RuntimeException e) {
        r = new StepResult(s.name(), StepStatus.FAILED, "internal error: " + e, null, ExitCode.INTERNAL);
      }
      results.add(r);
      log.printf("  %-9s %-22s %s%s%n", "[" + r.status().label() + "]", r.name(), r.detail() == null ? "" : r.detail(),
          r.requestId() == null ? "" : "  (request " + r.requestId() + ")");
      log.flush();
    }
    return new PlaybookReport(results);
  }
}
