package io.custody.collector.contain;

import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.CustodyException;
import io.custody.evidence.ExitCode;
import io.custody.evidence.custody.CustodyEntry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs named steps in order. A step checks the current state before it changes anything, so a
 * rerun after a crash finishes the plan without doing anything twice. A failed step is reported and
 * the following steps still run (containment should go as far as it can); the run's exit code is
 * the first failure's. Each step is printed to stderr as it ends. A step that changed something is
 * done only when its effect reads back from AWS ({@link ReadBack}).
 *
 * <p>Intents a stopped run left open about the same target are closed by the step that made them
 * when it runs again: succeeded with what it found in place (the snapshot ids, the group), or
 * failed when it had to make the change anew.
 */
final class Playbook {

  /**
   * One step.
   *
   * @param check what of the step's effect does not show when read back from AWS, or null when it
   *     all does; null for a step with nothing to read back (see {@link ReadBack})
   */
  record Step(String name, Supplier<StepResult> body, Supplier<String> check) {}

  private final List<Step> steps;
  private final ChangeRecorder rec;
  private final List<String> targets;
  private final PrintStream log;

  /**
   * @param rec the recorder the steps change AWS through; told each step's name
   * @param targets what the playbook changes (its intents' targets), e.g. the instance id
   */
  Playbook(List<Step> steps, ChangeRecorder rec, List<String> targets, PrintStream log) {
    this.steps = List.copyOf(steps);
    this.rec = rec;
    this.targets = List.copyOf(targets);
    this.log = log;
  }

  static Step step(String name, Supplier<StepResult> body) {
    return new Step(name, body, null);
  }

  /** A step whose effect is read back from AWS before it is done, when it changed something. */
  static Step step(String name, Supplier<StepResult> body, Supplier<String> check) {
    return new Step(name, body, check);
  }

  PlaybookReport run() {
    // acquisitions (metadata, saved groups) a stopped run left unfinished: recorded before the steps look for them
    rec.recoverInterrupted();
    List<CustodyEntry> leftOpen = new ArrayList<>(rec.openIntents(targets));
    List<StepResult> results = new ArrayList<>();
    try {
      for (Step s : steps) {
        rec.step(s.name());
        StepResult r = runStep(s);
        if (s.check() != null && rec.changedInStep()) {
          r = ReadBack.verified(r, s.check()); // what it found already in place it has just read: nothing to read back
        }
        results.add(r);
        closeLeftOpen(s.name(), r, leftOpen);
        log.printf("  %-9s %-22s %s%s%n", "[" + r.status().label() + "]", r.name(), r.detail() == null ? "" : r.detail(),
            r.requestId() == null ? "" : "  (request " + r.requestId() + ")");
        log.flush();
      }
    } finally {
      rec.step(null);
    }
    return new PlaybookReport(results);
  }

  private static StepResult runStep(Step s) {
    try {
      return s.body().get();
    } catch (CustodyException e) {
      return new StepResult(s.name(), StepStatus.FAILED, e.getMessage(), null, e.exitCode(), List.of());
    } catch (RuntimeException e) {
      return new StepResult(s.name(), StepStatus.FAILED, "internal error: " + e, null, ExitCode.INTERNAL, List.of());
    }
  }

  /**
   * Closes the open intents of an earlier run that this step made, now that it has run again and is
   * done (see {@link ChangeRecorder#closeOnRerun}). A step that failed again leaves them open: nothing
   * more is known.
   */
  private void closeLeftOpen(String step, StepResult r, List<CustodyEntry> leftOpen) {
    if (r.status() != StepStatus.DONE) {
      return;
    }
    for (CustodyEntry e : List.copyOf(leftOpen)) {
      if (step.equals(ChangeRecorder.stepOf(e))) {
        rec.closeOnRerun(e, r.detail(), r.resources());
        leftOpen.remove(e);
      }
    }
  }
}
