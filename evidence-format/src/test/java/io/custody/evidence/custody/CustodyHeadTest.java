package io.custody.evidence.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.IntegrityException;
import io.custody.evidence.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The custody log's head, kept outside it: a cut tail or a replaced last entry no longer agrees with it. */
class CustodyHeadTest {

  static final int ENTRIES = 8;

  @TempDir Path tmp;

  private static CustodyLog log(Path root) {
    return CustodyLogTest.newLog(root);
  }

  private static Path entry(Path root, long n) {
    return root.resolve("custody").resolve(CustodyEntry.fileName(n));
  }

  private static Path logWith(Path root, int entries) {
    CustodyLog log = log(root);
    for (int i = 0; i < entries; i++) {
      log.append(Event.of("note").notes("entry " + (i + 1)));
    }
    return root;
  }

  @Test
  void append_writesTheHead_countAndSha256OfTheLastEntry() throws Exception {
    Path root = logWith(tmp, 3);
    CustodyHead head = CustodyHead.read(root.resolve("custody.head"));
    assertThat(head.entries()).isEqualTo(3);
    assertThat(head.sha256()).isEqualTo(Sha256.digest(Files.readAllBytes(entry(root, 3))));
    assertThat(log(root).verify().intact()).isTrue();
  }

  @Test
  void tailCut_atEveryLength_reportedAndNothingAppendedOverIt() throws Exception {
    for (int c = 1; c < ENTRIES; c++) {
      final int cut = c;
      Path root = logWith(tmp.resolve("cut-" + cut), ENTRIES);
      for (int n = ENTRIES; n > ENTRIES - cut; n--) {
        Files.delete(entry(root, n));
      }
      ChainReport r = log(root).verify();
      assertThat(r.intact()).as("cut of %d", cut).isFalse();
      assertThat(r.problems()).extracting(ChainProblem::detail).as("cut of %d", cut)
          .anySatisfy(d -> assertThat(d).contains("ends at entry " + (ENTRIES - cut), "recorded " + ENTRIES, "were removed"));
      assertThatThrownBy(() -> log(root).append(Event.of("note"))).as("cut of %d", cut).isInstanceOf(IntegrityException.class)
          .hasMessageContaining("were removed");
      assertThat(Files.exists(entry(root, ENTRIES - cut + 1))).as("nothing written over the cut").isFalse();
    }
  }

  @Test
  void lastEntryReplaced_byAValidlyChainedOne_reported() throws Exception {
    Path root = logWith(tmp, 4);
    Path head = root.resolve("custody.head");
    byte[] before = Files.readAllBytes(head);
    // a forger replaces entry 4 with one of their own, chained properly, but cannot make the head say so
    Files.delete(entry(root, 4));
    CustodyHead.of(3, Sha256.digest(Files.readAllBytes(entry(root, 3)))).write(head);
    log(root).append(Event.of("note").notes("forged"));
    Files.write(head, before);
    assertThat(log(root).verify().problems()).extracting(ChainProblem::detail)
        .anySatisfy(d -> assertThat(d).contains("entry 4 is not the one the custody head recorded"));
  }

  @Test
  void headMissing_whileTheLogHasEntries_reported() throws Exception {
    Path root = logWith(tmp, 2);
    Files.delete(root.resolve("custody.head"));
    assertThat(log(root).verify().problems()).extracting(ChainProblem::detail)
        .anySatisfy(d -> assertThat(d).contains("custody head is missing"));
    assertThatThrownBy(() -> log(root).append(Event.of("note"))).isInstanceOf(IntegrityException.class);
  }

  @Test
  void headOneBehind_aCrashBeforeItsUpdate_isFine_andTheNextAppendCatchesUp() throws Exception {
    Path root = logWith(tmp, 3);
    CustodyHead.of(2, Sha256.digest(Files.readAllBytes(entry(root, 2)))).write(root.resolve("custody.head"));
    assertThat(log(root).verify().intact()).isTrue();
    log(root).append(Event.of("note"));
    assertThat(CustodyHead.read(root.resolve("custody.head")).entries()).isEqualTo(4);
    assertThat(log(root).verify().intact()).isTrue();
  }
}
