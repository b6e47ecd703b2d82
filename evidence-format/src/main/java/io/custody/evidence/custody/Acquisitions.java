package io.custody.evidence.custody;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a custody log says about the acquisitions of a source. An acquisition is an {@code acquired}
 * intent with an object {@code {source_id, role}} where the role is the item type ({@code memory},
 * {@code disk}, …), followed by its outcome.
 *
 * <p>Storing the evidence as an item is recorded as well, under an intent whose object names the item,
 * its source and its type. Where the log records the acquisition itself (an object of the source and
 * role, naming no item), that record decides: an acquisition whose item was stored whole but which did
 * not succeed after that (a memory capture Volatility could not use, one cut short) has not succeeded.
 * A source known only through item records is judged by them.
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
    // intent seq → whether it records the acquisition itself (true) or the storing of an item (false)
    Map<Long, Boolean> intents = new HashMap<>();
    boolean sourceRecords = false;
    boolean sourceSucceeded = false;
    boolean itemSucceeded = false;
    for (CustodyEntry e : entries) {
      if (!"acquired".equals(e.event())) {
        continue;
      }
      if (e.outcome() == Outcome.INTENT && about(e, sourceId, role)) {
        boolean source = ofSource(e, sourceId, role);
        intents.put(e.seq(), source);
        sourceRecords |= source;
      } else if (e.refersTo() != null && intents.containsKey(e.refersTo()) && e.outcome() == Outcome.SUCCEEDED) {
        if (intents.get(e.refersTo())) {
          sourceSucceeded = true;
        } else {
          itemSucceeded = true;
        }
      }
    }
    if (intents.isEmpty()) {
      return State.NONE;
    }
    return (sourceRecords ? sourceSucceeded : itemSucceeded) ? State.SUCCEEDED : State.UNFINISHED;
  }

  private static boolean about(CustodyEntry e, String sourceId, String role) {
    return e.objects().stream().anyMatch(o -> sourceId.equals(o.sourceId()) && role.equals(o.role()));
  }

  /** An object of the source and role that names no item: the record of the acquisition itself. */
  private static boolean ofSource(CustodyEntry e, String sourceId, String role) {
    return e.objects().stream().anyMatch(o -> sourceId.equals(o.sourceId()) && role.equals(o.role()) && o.itemId() == null);
  }
}
