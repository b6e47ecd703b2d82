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
}
