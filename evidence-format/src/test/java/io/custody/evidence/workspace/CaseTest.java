package io.custody.evidence.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaseTest {

  @TempDir Path home;

  @Test
  void open_twice_refused() {
    CaseStore store = CaseStore.at(home, Fixtures.CLOCK);
    store.open("IR-1", "E", null, null);
    assertThatThrownBy(() -> store.open("IR-1", "E", null, null)).isInstanceOf(InvalidInputException.class).hasMessageContaining("already exists");
  }

  @Test
  void begin_folderHint_namesTheFolderInsteadOfTheSourceId() {
    Case c = CaseStore.at(home, Fixtures.CLOCK).open("IR-1", "E", null, null);
    ItemSpec spec = ItemSpec.of(ItemType.LOG, "s3://trail-bucket/AWSLogs/", "cloudtrail.tar").folder("cloudtrail-trail-bucket");
    Item first = c.add(spec, InputStream.nullInputStream(), 0, ProgressListener.NONE);
    Item second = c.add(spec, InputStream.nullInputStream(), 0, ProgressListener.NONE);
    assertThat(first.dir()).isEqualTo("data/logs/cloudtrail-trail-bucket");
    assertThat(second.dir()).isEqualTo("data/logs/cloudtrail-trail-bucket-2");
    assertThat(first.sourceId()).isEqualTo("s3://trail-bucket/AWSLogs/");
    Item plain = c.add(ItemSpec.of(ItemType.LOG, "s3://trail-bucket/AWSLogs/", "x.json"), InputStream.nullInputStream(), 0, ProgressListener.NONE);
    assertThat(plain.dir()).as("without a hint: the source id's last part, which says little here").isEqualTo("data/logs/file");
  }

  @Test
  void load_unknown_refusedWithHint() {
    assertThatThrownBy(() -> CaseStore.at(home, Fixtures.CLOCK).load("nope")).hasMessageContaining("custody case open");
  }

  @Test
  void add_recordsItemFilesHashesAndCustody() throws IOException {
    Case c = Fixtures.sampleCase(home, "IR-1");
    List<Item> items = c.items();
    assertThat(items).extracting(Item::id).containsExactly("item-001", "item-002", "item-003", "item-004");
    Item disk = items.get(0);
    assertThat(disk.dir()).isEqualTo("data/disk/vol-0123456789abcdef0");
    assertThat(disk.segments()).hasSize(3);
    assertThat(disk.files()).containsExactly("image.raw.sha256", "image.raw.md5", "image.raw.sha1", "image.raw.pieces.sha256");
    assertThat(Files.readString(c.dir().resolve(disk.dir()).resolve("image.raw.sha256")))
        .isEqualTo(disk.hashes().sha256().hex() + "  image.raw\n");
    Item meta = items.get(2);
    assertThat(meta.dir()).isEqualTo("data/metadata/i-0123456789abcdef0");
    assertThat(meta.segments()).singleElement().satisfies(s -> assertThat(s.file()).isEqualTo("instance.json"));
    // The metadata from the same instance as the memory image gets its own folder under its type.
    assertThat(items.get(1).dir()).isEqualTo("data/memory/i-0123456789abcdef0");
    List<CustodyEntry> entries = c.log().verify().entries();
    assertThat(entries).extracting(CustodyEntry::event).containsExactly("case-opened", "acquired", "acquired", "acquired", "acquired",
        "acquired", "acquired", "acquired", "acquired");
    assertThat(entries.get(2).outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(entries.get(2).objects()).anySatisfy(o -> assertThat(o.sha256()).isEqualTo(disk.hashes().sha256()));
  }

  @Test
  void item_byIdOrSourceId_ambiguityExplained() {
    Case c = Fixtures.sampleCase(home, "IR-1");
    assertThat(c.item("item-001", null).sourceId()).isEqualTo("vol-0123456789abcdef0");
    assertThat(c.item("vol-0123456789abcdef0", null).id()).isEqualTo("item-001");
    assertThat(c.item("i-0123456789abcdef0", ItemType.MEMORY).id()).isEqualTo("item-002");
    assertThatThrownBy(() -> c.item("i-0123456789abcdef0", null)).hasMessageContaining("item-002, item-003");
    assertThatThrownBy(() -> c.item("vol-x", null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void add_readFails_nothingLeftAndFailureRecorded() {
    Case c = CaseStore.at(home, Fixtures.CLOCK).open("IR-1", "E", null, null);
    InputStream failing = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (++n > 100_000) {
          throw new IOException("Input/output error");
        }
        return 7;
      }
    };
    assertThatThrownBy(() -> c.add(ItemSpec.of(ItemType.DISK, "vol-1", "x").segmentSize(10_000), failing, -1, ProgressListener.NONE))
        .isInstanceOf(HostException.class).hasMessageContaining("Input/output error");
    assertThat(c.items()).isEmpty();
    assertThat(c.interruptedItems()).isEmpty();
    assertThat(c.dir().resolve("data/disk/vol-1")).doesNotExist();
    List<CustodyEntry> entries = c.log().verify().entries();
    CustodyEntry last = entries.get(entries.size() - 1);
    assertThat(last.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(last.notes()).contains("Input/output error");
  }

  @Test
  void crashedAcquisition_recoveredByTheNextOne_failureRecordedAndPartialFilesRemoved() throws Exception {
    Case c = CaseStore.at(home, Fixtures.CLOCK).open("IR-1", "E", null, null);
    // Another process begins an acquisition, writes part of it, and dies without cleaning up.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashingAcquisition.class.getName(), home.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isEqualTo(9);
    assertThat(c.interruptedItems()).containsExactly("item-001");
    assertThat(c.dir().resolve("data/disk/vol-crash")).isDirectory();
    assertThat(CaseStatus.of(c).custody().openActions()).hasSize(1);

    Fixtures.add(c, ItemSpec.of(ItemType.OTHER, "n-1", "a.txt"), new byte[] {1});

    assertThat(c.interruptedItems()).isEmpty();
    assertThat(c.dir().resolve("data/disk/vol-crash")).doesNotExist();
    assertThat(c.items()).extracting(Item::id).containsExactly("item-002");
    CaseStatus s = CaseStatus.of(c);
    assertThat(s.custody().openActions()).isEmpty();
    assertThat(s.custody().intact()).isTrue();
    assertThat(c.log().verify().entries()).anySatisfy(e -> {
      assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(e.notes()).contains("interrupted", "partial file(s)");
    });
  }

  /** Begins an acquisition, writes a partial segment, and halts like a killed process. */
  public static final class CrashingAcquisition {
    public static void main(String[] args) throws Exception {
      Case c = CaseStore.at(Path.of(args[0]), Fixtures.CLOCK).load("IR-1");
      PendingItem p = c.begin(ItemSpec.of(ItemType.DISK, "vol-crash", "x").segmentSize(1000));
      Files.write(p.folder().resolve("image.raw.zst.000001"), new byte[100]);
      Runtime.getRuntime().halt(9);
    }
  }

  @Test
  void runningAcquisition_isVisible() {
    Case c = CaseStore.at(home, Fixtures.CLOCK).open("IR-1", "E", null, null);
    c.begin(ItemSpec.of(ItemType.DISK, "vol-1", "x"));
    CaseStatus s = CaseStatus.of(c);
    assertThat(s.interruptedItems()).containsExactly("item-001");
    assertThat(s.custody().openActions()).singleElement().satisfies(e -> assertThat(e.event()).isEqualTo("acquired"));
    // The next acquisition gets the next id, never the interrupted one.
    Fixtures.add(c, ItemSpec.of(ItemType.OTHER, "n-1", "a.txt"), new byte[] {1});
    assertThat(c.items()).extracting(Item::id).containsExactly("item-002");
  }

  @Test
  void caseFolder_notWorldReadable() throws IOException {
    Case c = CaseStore.at(home, Fixtures.CLOCK).open("IR-1", "E", null, null);
    assertThat(Files.getPosixFilePermissions(c.dir())).doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
  }

  @Test
  void itemRecordedButOutcomeEntryNotWritten_nextCommandRecordsTheOutcomeFromTheRecord() throws IOException {
    Case c = CaseStore.at(home, Fixtures.CLOCK).open("IR-1", "E", null, null);
    Path head = c.dir().resolve("custody.head");
    byte[] headBytes = Files.readAllBytes(head);
    PendingItem pending = c.begin(ItemSpec.of(ItemType.OTHER, "note-1", "a.txt"));
    pending.write(new java.io.ByteArrayInputStream("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 3, ProgressListener.NONE);
    headBytes = Files.readAllBytes(head);
    // the log refuses the outcome entry (as a crash right after the item record would leave it)
    Files.delete(head);
    assertThatThrownBy(() -> pending.commit(Outcome.SUCCEEDED, null)).hasMessageContaining("custody head is missing");
    pending.close();
    assertThat(c.dir().resolve("items/item-001.json")).exists();
    assertThat(c.dir().resolve("data/other/note-1/a.txt")).as("a recorded item is never removed").exists();
    assertThat(c.interruptedItems()).containsExactly("item-001");

    Files.write(head, headBytes);
    c.recoverInterrupted();
    assertThat(c.interruptedItems()).isEmpty();
    List<CustodyEntry> entries = c.log().verify().entries();
    assertThat(io.custody.evidence.custody.CustodyLog.openIntents(entries)).isEmpty();
    CustodyEntry outcome = entries.get(entries.size() - 1);
    assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(outcome.notes()).contains("recorded from the item record");
    assertThat(outcome.objects()).anySatisfy(o -> assertThat(o.sha256()).isEqualTo(c.items().get(0).hashes().sha256()));
    c.recoverInterrupted();
    assertThat(c.log().verify().count()).as("recorded once").isEqualTo(entries.size());
  }
}
