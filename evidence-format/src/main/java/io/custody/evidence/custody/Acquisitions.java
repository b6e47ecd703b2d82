package io.custody.evidence.custody;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a custody log says about the acquisitions of a source. An acquisition is an {@code acquired}
 * intent with an object {@code {source_id, role}} where the role is the item type ({@code memory},
 * {@code disk}, …), followed by its outcome.
 */
public final class Acquisitions {

  /** The state of the acquisitions of one kind from one source. */
  public enum State {
    /** None was ever begun. */
    NONE,
    /** At least one succeeded. */
    SUCCEEDED,
    /** Begun, but none succeeded: still running, failed, partial or cut short by a crash. */
    UNFINISHED
  }

  private Acquisitions() {}

  /**
   * @param role the item type label, e.g. {@code memory}
   */
  public static State state(List<CustodyEntry> entries, String sourceId, String role) {
    Map<Long, Boolean> intents = new HashMap<>();
    boolean succeeded = false;
    for (CustodyEntry e : entries) {
      if (!"acquired".equals(e.event())) {
        continue;
      }
      if (e.outcome() == Outcome.INTENT && about(e, sourceId, role)) {
        intents.put(e.seq(), Boolean.TRUE);
      } else if (e.refersTo() != null && intents.containsKey(e.refersTo()) && e.outcome() == Outcome.SUCCEEDED) {
        succeeded = true;
      }
    }
    if (intents.isEmpty()) {
      return State.NONE;
    }
    return succeeded ? State.SUCCEEDED : State.UNFINISHED;
  }

  private static boolean about(CustodyEntry e, String sourceId, String role) {
    return e.objects().stream().anyMatch(o -> sourceId.equals(o.sourceId()) && role.equals(o.role()));
  }
}
