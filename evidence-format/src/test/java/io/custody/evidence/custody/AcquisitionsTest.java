package io.custody.evidence.custody;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.custody.Acquisitions.State;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcquisitionsTest {

  @TempDir Path root;

  @Test
  void state_followsIntentsAndOutcomes() {
    CustodyLog log = CustodyLogTest.newLog(root);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.NONE);
    CustodyEntry first = log.begin(Event.of("acquired").object(CustodyObject.source("i-1", "memory")));
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.UNFINISHED);
    log.complete(first, Event.of("acquired"), Outcome.FAILED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.UNFINISHED);
    // A disk acquisition of the same instance says nothing about its memory.
    CustodyEntry disk = log.begin(Event.of("acquired").object(CustodyObject.source("i-1", "disk")));
    log.complete(disk, Event.of("acquired"), Outcome.SUCCEEDED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.UNFINISHED);
    CustodyEntry second = log.begin(Event.of("acquired").object(CustodyObject.source("i-1", "memory")));
    log.complete(second, Event.of("acquired"), Outcome.SUCCEEDED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.SUCCEEDED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-2", "memory")).isEqualTo(State.NONE);
  }

  @Test
  void state_itemStoredWholeButTheAcquisitionNotSucceeded_unfinished() {
    // a memory capture: the acquisition's own record, and the storing of its image as an item inside it
    CustodyLog log = CustodyLogTest.newLog(root);
    CustodyEntry capture = log.begin(Event.of("acquired").object(CustodyObject.source("i-1", "memory")));
    CustodyEntry item = log.begin(Event.of("acquired").object(new CustodyObject("item-001", "items/item-001", "i-1", "memory", null, null)));
    log.complete(item, Event.of("acquired"), Outcome.SUCCEEDED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.UNFINISHED);
    // Volatility could not use the image: the capture is partial, though its item is whole
    log.complete(capture, Event.of("acquired"), Outcome.PARTIAL);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.UNFINISHED);
    CustodyEntry again = log.begin(Event.of("acquired").object(CustodyObject.source("i-1", "memory")));
    log.complete(again, Event.of("acquired"), Outcome.SUCCEEDED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void state_itemRecordsOnly_judgedByThem() {
    CustodyLog log = CustodyLogTest.newLog(root);
    CustodyEntry item = log.begin(Event.of("acquired").object(new CustodyObject("item-001", "items/item-001", "i-1", "memory", null, null)));
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.UNFINISHED);
    log.complete(item, Event.of("acquired"), Outcome.SUCCEEDED);
    assertThat(Acquisitions.state(log.verify().entries(), "i-1", "memory")).isEqualTo(State.SUCCEEDED);
  }
}
