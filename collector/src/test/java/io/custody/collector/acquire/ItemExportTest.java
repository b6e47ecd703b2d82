package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.StorageOptions;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers out: raw reproduces the recorded SHA-256; E01 is checked by an independent ewfverify run
 * and ewfinfo here, carries the recorded MD5, and reads back in as the same media; a tampered item
 * exports nothing; every export is in the custody log.
 */
class ItemExportTest {

  @TempDir Path tmp;
  Case kase;

  @BeforeEach
  void open() {
    kase = CaseStore.at(tmp.resolve("home"), Fixtures.CLOCK).open("IR-X", "Jane Examiner", null, null);
  }

  private static String run(String... cmd) {
    io.custody.evidence.testing.Run r = io.custody.evidence.testing.Run.of(null, cmd);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.out();
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  @Test
  void e01_passesEwfverify_recordedMd5_headerNamesTheCase_readsBackAsTheSameMedia() throws Exception {
    // plaso's split E01 in: its stored MD5 becomes the item's recorded MD5.
    Item item = FileAcquisition.add(kase, Corpus.path("disk/plaso/image-split.E01"), ItemType.DISK, "vol-0e01",
        new StorageOptions(false, false, null, 0), ProgressListener.NONE);
    assertThat(item.hashes().md5()).isEqualTo("38ea5af8a80e16e46c095c9110242fc0");
    Path out = tmp.resolve("out/web-1");
    ItemExport.Result r = ItemExport.export(kase, item, ItemExport.Format.E01, out, 1 << 20, ProgressListener.NONE);
    assertThat(r.files()).allSatisfy(f -> assertThat(Path.of(f.path())).exists());
    assertThat(r.md5()).isEqualTo(item.hashes().md5());
    String[] verify = {"ewfverify", "-q", "-d", "sha1", tmp.resolve("out/web-1.E01").toString()};
    String v = run(verify);
    assertThat(v).contains("MD5 hash stored in file:\t\t38ea5af8a80e16e46c095c9110242fc0", "ewfverify: SUCCESS");
    String info = run("ewfinfo", tmp.resolve("out/web-1.E01").toString());
    assertThat(info).contains("Case number:\t\tIR-X", "Examiner name:\t\tJane Examiner", "Evidence number:\t" + item.id(),
        item.hashes().sha256().hex());
    for (ItemExport.OutputFile f : r.files()) {
      assertThat(f.sha256()).isEqualTo(sha256(Path.of(f.path())));
    }
    Item back = FileAcquisition.add(kase, tmp.resolve("out/web-1.E01"), ItemType.DISK, "vol-0back", new StorageOptions(false, false, null, 0),
        ProgressListener.NONE);
    assertThat(back.hashes().sha256()).as("the export read back in").isEqualTo(item.hashes().sha256());

    List<CustodyEntry> entries = kase.log().verify().entries();
    CustodyEntry done = entries.stream().filter(e -> e.event().equals("transferred") && e.outcome() == Outcome.SUCCEEDED).findFirst().orElseThrow();
    assertThat(done.objects()).anySatisfy(o -> assertThat(o.itemId()).isEqualTo(item.id()));
    assertThat(done.objects()).filteredOn(o -> "exported-file".equals(o.role())).hasSize(r.files().size());
    assertThat(done.notes()).contains("md5 38ea5af8a80e16e46c095c9110242fc0");
  }

  @Test
  void e01_inSegments_randomMedia_ewfverifySucceeds() throws Exception {
    byte[] b = new byte[3 << 20];
    new java.util.Random(5).nextBytes(b);
    Path raw = Files.write(tmp.resolve("random.raw"), b);
    Item item = FileAcquisition.add(kase, raw, ItemType.DISK, "vol-0rnd", new StorageOptions(false, true, null, 0), ProgressListener.NONE);
    ItemExport.Result r = ItemExport.export(kase, item, ItemExport.Format.E01, tmp.resolve("rnd.E01"), 1 << 20, ProgressListener.NONE);
    assertThat(r.files()).extracting(f -> Path.of(f.path()).getFileName().toString()).startsWith("rnd.E01", "rnd.E02", "rnd.E03");
    assertThat(r.sha1()).isEqualTo(item.hashes().sha1());
    assertThat(run("ewfverify", "-q", tmp.resolve("rnd.E01").toString())).contains("ewfverify: SUCCESS");
  }

  @Test
  void raw_reproducesTheRecordedSha256_neverOverwrites_neverInsideTheCase_onlyImages() throws Exception {
    Path disk = Corpus.path("disk/plaso/tsk_volume_system.raw");
    Item item = FileAcquisition.add(kase, disk, ItemType.DISK, "vol-0raw", new StorageOptions(true, false, null, 0), ProgressListener.NONE);
    Path out = tmp.resolve("web-1.raw");
    ItemExport.Result r = ItemExport.export(kase, item, ItemExport.Format.RAW, out, 0, ProgressListener.NONE);
    assertThat(sha256(out)).isEqualTo(item.hashes().sha256().hex()).isEqualTo(sha256(disk)).isEqualTo(r.sha256());
    assertThat(r.md5()).isEqualTo(item.hashes().md5());
    assertThatThrownBy(() -> ItemExport.export(kase, item, ItemExport.Format.RAW, out, 0, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Custody does not overwrite");
    assertThatThrownBy(() -> ItemExport.export(kase, item, ItemExport.Format.RAW, kase.dir().resolve("x.raw"), 0, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("inside the case");
    Item note = kase.add(ItemSpec.of(ItemType.OTHER, "note", "n.txt"), new java.io.ByteArrayInputStream("n".getBytes(StandardCharsets.US_ASCII)), 1,
        ProgressListener.NONE);
    assertThatThrownBy(() -> ItemExport.export(kase, note, ItemExport.Format.E01, tmp.resolve("n"), 0, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a disk or memory image");
  }

  @Test
  void tamperedItem_exportsNothing_failureRecorded() throws Exception {
    Item item = FileAcquisition.add(kase, Corpus.path("disk/plaso/tsk_volume_system.raw"), ItemType.DISK, "vol-0bad",
        new StorageOptions(false, false, io.custody.evidence.segment.Compression.NONE, 0), ProgressListener.NONE);
    Path stored = kase.dir().resolve(item.dir()).resolve(item.segments().get(0).file());
    stored.toFile().setWritable(true);
    try (RandomAccessFile f = new RandomAccessFile(stored.toFile(), "rw")) {
      f.seek(4096);
      f.write(0x5a);
    }
    assertThatThrownBy(() -> ItemExport.export(kase, item, ItemExport.Format.RAW, tmp.resolve("bad.raw"), 0, ProgressListener.NONE))
        .isInstanceOf(IntegrityException.class).hasMessageContaining("where " + item.hashes().sha256() + " was recorded");
    assertThatThrownBy(() -> ItemExport.export(kase, item, ItemExport.Format.E01, tmp.resolve("bad"), 0, ProgressListener.NONE))
        .isInstanceOf(IntegrityException.class);
    try (var ds = Files.list(tmp)) {
      assertThat(ds.map(p -> p.getFileName().toString())).as("nothing left at the targets").doesNotContain("bad.raw", "bad.raw.partial", "bad.E01");
    }
    assertThat(kase.log().verify().entries()).filteredOn(e -> e.event().equals("transferred") && e.outcome() == Outcome.FAILED).hasSize(2);
  }
}
