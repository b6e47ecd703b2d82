package io.custody.evidence.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.IntegrityException;
import io.custody.evidence.Sha256;
import io.custody.evidence.testing.Fixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustodyLogTest {

  @TempDir Path root;
  CustodyLog log;

  @BeforeEach
  void open() {
    log = newLog(root);
  }

  static CustodyLog newLog(Path root) {
    return new CustodyLog(root.resolve("custody"), root.resolve("case.lock"), root.resolve("tool/custody-torn"), root.resolve("custody.head"), "custody",
        Fixtures.CLOCK, new Actor("Test Examiner", "host-1", "custody test"));
  }

  private Path entry(int n) {
    return root.resolve("custody").resolve(CustodyEntry.fileName(n));
  }

  @Test
  void append_chainsEachEntryToThePreviousBytes() throws Exception {
    CustodyEntry a = log.append(Event.of("case-opened").notes("first"));
    CustodyEntry b = log.append(Event.of("note"));
    assertThat(a.seq()).isEqualTo(1);
    assertThat(a.prevSha256()).isEqualTo(Sha256.ZERO);
    assertThat(b.prevSha256()).isEqualTo(Sha256.digest(Files.readAllBytes(entry(1))));
    assertThat(a.timeUtc()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(a.actor()).isEqualTo("Test Examiner");
    ChainReport r = log.verify();
    assertThat(r.intact()).isTrue();
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.head()).isEqualTo(Sha256.digest(Files.readAllBytes(entry(2))));
  }

  @Test
  void entryFormat_isGreppableByVerifyTxt() throws Exception {
    log.append(Event.of("note"));
    String text = Files.readString(entry(1));
    assertThat(text).startsWith("{\n  \"seq\": 1,\n  \"entry_id\": \"").endsWith("}\n")
        .contains("\n  \"prev_sha256\": \"" + Sha256.ZERO.hex() + "\",\n");
  }

  @Test
  void beginAndComplete_linkOutcomeToIntent_openIntentsTracked() {
    CustodyEntry intent = log.begin(Event.of("acquired").notes("disk"));
    assertThat(CustodyLog.openIntents(log.verify().entries())).extracting(CustodyEntry::seq).containsExactly(intent.seq());
    CustodyEntry done = log.complete(intent, Event.of("acquired"), Outcome.SUCCEEDED);
    assertThat(done.refersTo()).isEqualTo(intent.seq());
    assertThat(done.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(CustodyLog.openIntents(log.verify().entries())).isEmpty();
  }

  @Test
  void verify_editedEntry_isReported() throws Exception {
    for (int i = 0; i < 3; i++) {
      log.append(Event.of("note").notes("n" + i));
    }
    String s = Files.readString(entry(2)).replace("n1", "nX");
    Files.delete(entry(2));
    Files.writeString(entry(2), s);
    ChainReport r = log.verify();
    assertThat(r.intact()).isFalse();
    assertThat(r.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("custody/000003.json");
      assertThat(p.detail()).contains("prev_sha256");
    });
  }

  @Test
  void verify_reorderedEntries_areReported() throws Exception {
    for (int i = 0; i < 3; i++) {
      log.append(Event.of("note").notes("n" + i));
    }
    Path tmp = root.resolve("x");
    Files.move(entry(2), tmp);
    Files.move(entry(3), entry(2));
    Files.move(tmp, entry(3));
    assertThat(log.verify().problems()).extracting(ChainProblem::detail).anyMatch(d -> d.contains("seq 3 does not match file number 2"));
  }

  @Test
  void verify_gap_isReported() throws Exception {
    for (int i = 0; i < 4; i++) {
      log.append(Event.of("note"));
    }
    Files.delete(entry(2));
    assertThat(log.verify().problems()).extracting(ChainProblem::detail).anyMatch(d -> d.startsWith("gap"));
  }

  @Test
  void tornLastEntry_isReported_thenPreservedAndRecordedOnNextAppend() throws Exception {
    log.append(Event.of("note").notes("one"));
    log.append(Event.of("note").notes("two"));
    byte[] whole = Files.readAllBytes(entry(2));
    byte[] torn = java.util.Arrays.copyOf(whole, whole.length / 2);
    Files.delete(entry(2));
    Files.write(entry(2), torn);
    // a crash while entry 2 was written: its head still names entry 1
    CustodyHead.of(1, Sha256.digest(Files.readAllBytes(entry(1)))).write(root.resolve("custody.head"));

    ChainReport before = log.verify();
    assertThat(before.torn()).isPresent();
    assertThat(before.torn().get().path()).isEqualTo("custody/000002.json");

    CustodyEntry next = log.append(Event.of("note").notes("three"));
    Path kept = root.resolve("tool/custody-torn/000002.json.torn");
    assertThat(Files.readAllBytes(kept)).isEqualTo(torn);
    CustodyEntry recovered = log.verify().entries().get(1);
    assertThat(recovered.event()).isEqualTo("log-recovered");
    assertThat(recovered.objects()).singleElement().satisfies(o -> assertThat(o.sha256()).isEqualTo(Sha256.digest(torn)));
    assertThat(next.seq()).isEqualTo(3);
    assertThat(log.verify().intact()).isTrue();
  }

  @Test
  void append_corruptMiddleEntry_refused() throws Exception {
    log.append(Event.of("note"));
    log.append(Event.of("note"));
    Files.delete(entry(2));
    Files.writeString(entry(2), "{\"seq\": 2}\n");
    assertThatThrownBy(() -> log.append(Event.of("note"))).isInstanceOf(IntegrityException.class);
  }

  @Test
  void concurrentThreads_allAppendsSerialised() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int id = t;
      fs.add(pool.submit(() -> {
        for (int i = 0; i < 25; i++) {
          log.append(Event.of("note").notes("thread " + id + " entry " + i));
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    ChainReport r = log.verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.count()).isEqualTo(200);
  }

  @Test
  void concurrentProcesses_allAppendsSerialised() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      ps.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AppendMain.class.getName(), root.toString(), "40")
          .redirectErrorStream(true).redirectOutput(new File(root.toFile(), "p" + p + ".out")).start());
    }
    for (int i = 0; i < 40; i++) {
      log.append(Event.of("note").notes("parent " + i));
    }
    for (Process p : ps) {
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(root.resolve("p0.out"), StandardCharsets.UTF_8)).isZero();
    }
    ChainReport r = log.verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.count()).isEqualTo(160);
  }

  /** A second process appending to the same log. */
  public static final class AppendMain {
    public static void main(String[] args) {
      CustodyLog l = newLog(Path.of(args[0]));
      for (int i = 0; i < Integer.parseInt(args[1]); i++) {
        l.append(Event.of("note").notes("child " + ProcessHandle.current().pid() + " " + i));
      }
    }
  }
}
