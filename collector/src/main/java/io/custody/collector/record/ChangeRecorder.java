package io.custody.collector.record;

import io.custody.collector.aws.Change;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.custody.AwsCall;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.workspace.Case;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every change Custody makes to AWS is evidence: an intent entry before the call (what, on what,
 * which API, in which step of a playbook), an outcome entry after it with AWS's request id, or the
 * failure with its error. Dry runs change nothing and write nothing.
 *
 * <p>A process killed between a call and its outcome leaves the intent open. The step that made it
 * finds the call's effect when it runs again (by the tags and state it set); {@link #closeOnRerun}
 * then records the outcome of the earlier intent with what was found, so nothing the earlier run
 * did stays out of the record.
 */
public final class ChangeRecorder {

  private final Case kase;
  private final String region;
  private final boolean dryRun;
  private final String event;
  private String step;
  /** {@code api target} of every change the current step made (or tried). */
  private final java.util.Set<String> calledInStep = new java.util.HashSet<>();

  /**
   * @param event the custody event of the changes, e.g. {@code contained} or {@code acquired}
   */
  public ChangeRecorder(Case kase, String region, boolean dryRun, String event) {
    this.kase = kase;
    this.region = region;
    this.dryRun = dryRun;
    this.event = event;
  }

  public boolean dryRun() {
    return dryRun;
  }

  /** Names the playbook step whose changes follow (recorded with each intent); null for none. */
  public void step(String name) {
    this.step = name;
    calledInStep.clear();
  }

  /**
   * Completes the record of acquisitions a stopped run left unfinished (see {@link
   * Case#recoverInterrupted}); unless this is a dry run.
   */
  public void recoverInterrupted() {
    if (!dryRun) {
      kase.recoverInterrupted();
    }
  }

  /** True when the current step made (or tried) a change: its effect is then to be read back. */
  public boolean changedInStep() {
    return !dryRun && !calledInStep.isEmpty();
  }

  /** Intents about any of {@code targets} that have no outcome: left by a run that stopped (the current run closes its own). */
  public List<CustodyEntry> openIntents(List<String> targets) {
    if (dryRun) {
      return List.of();
    }
    return CustodyLog.openIntents(kase.log().verify().entries()).stream().filter(e -> event.equals(e.event()))
        .filter(e -> e.objects().stream().anyMatch(o -> targets.contains(o.sourceId()) && "target".equals(o.role()))).toList();
  }

  /** The playbook step an intent was made in, or null. */
  public static String stepOf(CustodyEntry intent) {
    return intent.objects().stream().filter(o -> "step".equals(o.role())).map(CustodyObject::sourceId).findFirst().orElse(null);
  }

  /**
   * Records the outcome of an intent a stopped run left open, from what its step did when it ran
   * again (call after the step): succeeded when the step found the change in place (it made no such
   * call itself; {@code what} and {@code resources} say what it found), failed — not confirmed — when
   * the step made the same call again (this run's own entries record that one).
   */
  public void closeOnRerun(CustodyEntry intent, String what, List<String> resources) {
    String api = intent.aws() == null ? null : intent.aws().api();
    boolean found = intent.objects().stream().filter(o -> "target".equals(o.role()))
        .noneMatch(o -> calledInStep.contains(api + " " + o.sourceId()));
    Event e = Event.of(event).objects(intent.objects());
    resources.forEach(r -> e.object(CustodyObject.source(r, "changed")));
    if (intent.aws() != null) {
      e.aws(new AwsCall(intent.aws().api(), intent.aws().region(), null));
    }
    kase.log().complete(intent, e.notes(found
        ? "the run that began this stopped before recording its outcome; found in place when the step ran again: " + what
            + " (the request id is in the account's CloudTrail, not known here)"
        : "the run that began this stopped before recording its outcome, so whether it took effect is not confirmed; when the "
            + "step ran again it made the same call itself (the entries that follow): " + what), found ? Outcome.SUCCEEDED : Outcome.FAILED);
  }

  /**
   * @param api the API about to be called, e.g. {@code ec2:CreateSnapshots}
   * @param target the resource the change is about (instance, key, role, bucket)
   * @param what what the change does, in words
   */
  public Change change(String api, String target, String what, Supplier<Change> call) {
    if (dryRun) {
      return call.get();
    }
    calledInStep.add(api + " " + target);
    Event begun = Event.of(event).object(CustodyObject.source(target, "target"));
    if (step != null) {
      begun.object(CustodyObject.source(step, "step"));
    }
    CustodyEntry intent = kase.log().begin(begun.aws(new AwsCall(api, region, null)).notes(what));
    try {
      Change c = call.get();
      kase.log().complete(intent, Event.of(event)
          .object(CustodyObject.source(target, "target"))
          .object(CustodyObject.source(c.resourceId(), "changed"))
          .aws(new AwsCall(c.api(), region, c.requestId())).notes(what), Outcome.SUCCEEDED);
      return c;
    } catch (RuntimeException e) {
      String requestId = e instanceof AwsOperationException a ? a.requestId() : null;
      kase.log().complete(intent, Event.of(event).object(CustodyObject.source(target, "target"))
          .aws(new AwsCall(api, region, requestId)).notes(what + " failed: " + e.getMessage()), Outcome.FAILED);
      throw e;
    }
  }

  /** Records a fact that is not a change (a precondition refused, a step skipped for a reason). */
  public void note(String target, String text) {
    if (!dryRun) {
      kase.log().append(Event.of("note").object(CustodyObject.source(target, "target")).notes(text));
    }
  }
}
