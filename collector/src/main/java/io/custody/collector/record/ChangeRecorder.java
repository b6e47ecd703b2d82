package io.custody.collector.record;

import io.custody.collector.aws.Change;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.custody.AwsCall;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.workspace.Case;
import java.util.function.Supplier;

/**
 * Every change Custody makes to AWS is evidence: an intent entry before the call (what, on what,
 * which API), an outcome entry after it with AWS's request id, or the failure with its error. Dry
 * runs change nothing and write nothing.
 */
public final class ChangeRecorder {

  private final Case kase;
  private final String region;
  private final boolean dryRun;
  private final String event;

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

  /**
   * @param api the API about to be called, e.g. {@code ec2:CreateSnapshots}
   * @param target the resource the change is about (instance, key, role, bucket)
   * @param what what the change does, in words
   */
  public Change change(String api, String target, String what, Supplier<Change> call) {
    if (dryRun) {
      return call.get();
    }
    CustodyEntry intent = kase.log().begin(Event.of(event).object(CustodyObject.source(target, "target"))
        .aws(new AwsCall(api, region, null)).notes(what));
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
