package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudTrail read from log items of a case: an archive as {@code acquire cloudtrail} writes it gives
 * what the same files give from disk; the stored item is verified; hostile archives fail clearly,
 * naming the item and the entry or offset, and nothing is ever extracted.
 */
class LogItemsTest {

  @TempDir Path tmp;
  Case kase;

  static final String REC = "{\"eventVersion\":\"1.08\",\"eventID\":\"%s\",\"eventName\":\"%s\",\"eventSource\":\"%s\","
      + "\"eventTime\":\"2026-03-0%dT10:00:00Z\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.9\",\"userAgent\":\"aws-cli/2.15\","
      + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/mallory\",\"accountId\":\"111122223333\","
      + "\"accessKeyId\":\"AKIAEXAMPLEMALLORY1\",\"userName\":\"mallory\"},\"requestParameters\":{\"name\":\"main-trail\",\"userName\":\"backdoor\"},"
      + "\"responseElements\":null,\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\"}";

  static byte[] gz(String text) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  /** Two days of delivered log files, as S3 keys and bytes. */
  static Map<String, byte[]> trail() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    String base = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/0";
    files.put(base + "1/111122223333_CloudTrail_us-east-1_20260301T1005Z_a1.json.gz", gz("{\"Records\":[" + REC.formatted("e1", "StopLogging",
        "cloudtrail.amazonaws.com", 1) + "," + REC.formatted("e2", "DescribeInstances", "ec2.amazonaws.com", 1) + "]}"));
    files.put(base + "2/111122223333_CloudTrail_us-east-1_20260302T1005Z_b2.json.gz", gz("{\"Records\":[" + REC.formatted("e3", "CreateUser",
        "iam.amazonaws.com", 2) + "," + REC.formatted("e4", "CreateAccessKey", "iam.amazonaws.com", 2) + "]}"));
    return files;
  }

  static byte[] tar(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (var f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey(), TarArchiveEntry.LF_NORMAL, true);
        e.setSize(f.getValue().length);
        t.putArchiveEntry(e);
        t.write(f.getValue());
        t.closeArchiveEntry();
      }
    }
    return b.toByteArray();
  }

  /** A hand-made ustar header: lets a test declare sizes and types a well-behaved writer would not. */
  static byte[] header(String name, long size, byte type) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setSize(size);
    byte[] h = new byte[512];
    e.writeEntryHeader(h);
    return h;
  }

  Item addLog(byte[] bytes, String name, Compression compression, long segment) {
    ItemSpec spec = ItemSpec.of(ItemType.LOG, "s3://trail-bucket/AWSLogs/", name).compression(compression).segmentSize(segment);
    return kase.add(spec, new ByteArrayInputStream(bytes), bytes.length, ProgressListener.NONE);
  }

  CloudTrailReport analyse(Item item) {
    return new CloudTrailAnalysis(Clock.systemUTC()).run(kase, List.of(item), List.of());
  }

  @BeforeEach
  void open() {
    kase = Cases.open(tmp.resolve("home"), "IR-CT");
  }

  @Test
  void runInto_archiveItem_sameAsTheFilesOnDisk_inputsNamedByItemAndKey_intentNamesTheItem() throws Exception {
    Map<String, byte[]> files = trail();
    Path disk = tmp.resolve("disk");
    for (var f : files.entrySet()) {
      Files.createDirectories(disk.resolve(f.getKey()).getParent());
      Files.write(disk.resolve(f.getKey()), f.getValue());
    }
    // zstd segments of 1 KiB: the archive spans several stored files
    Item item = addLog(tar(files), "cloudtrail.tar", Compression.ZSTD, 1024);
    assertThat(item.segments().size()).isGreaterThan(2);

    CloudTrailReport fromDisk = new CloudTrailAnalysis(Clock.systemUTC()).run(List.of(disk));
    CloudTrailAnalysis.Result r = new CloudTrailAnalysis(Clock.systemUTC()).runInto(kase, List.of(item), List.of(), null);
    CloudTrailReport fromItem = r.report();

    assertThat(fromItem.recordsRead()).isEqualTo(fromDisk.recordsRead()).isEqualTo(4);
    assertThat(fromItem.findings()).extracting(CloudTrailFinding::ruleId, CloudTrailFinding::eventIds)
        .containsExactlyElementsOf(fromDisk.findings().stream().map(f -> org.assertj.core.groups.Tuple.tuple(f.ruleId(), f.eventIds())).toList());
    assertThat(fromItem.findings()).extracting(CloudTrailFinding::ruleId).contains("cloudtrail-tampering");
    assertThat(fromItem.inputs()).extracting(InputFile::item, InputFile::path, InputFile::sha256).containsExactly(
        files.keySet().stream().map(k -> org.assertj.core.groups.Tuple.tuple(item.id(), k, Sha256.digest(files.get(k)))).toArray(
            org.assertj.core.groups.Tuple[]::new));
    // the same per-file hashes as the files on disk
    assertThat(fromItem.inputs()).extracting(InputFile::sha256).containsExactlyElementsOf(fromDisk.inputs().stream().map(InputFile::sha256).toList());

    List<CustodyEntry> entries = kase.log().verify().entries();
    CustodyEntry intent = entries.stream().filter(e -> e.event().equals("analysed") && e.outcome() == Outcome.INTENT).findFirst().orElseThrow();
    assertThat(intent.objects()).singleElement().satisfies(o -> {
      assertThat(o.itemId()).isEqualTo(item.id());
      assertThat(o.sha256()).isEqualTo(item.hashes().sha256());
      assertThat(o.sourceId()).isEqualTo("s3://trail-bucket/AWSLogs/");
    });
    assertThat(entries.get(entries.size() - 1).outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(Json.mapper().readTree(Cases.file(kase, r.item()).toFile()).get("inputs").get(0).get("item").asText()).isEqualTo(item.id());
  }

  @Test
  void run_singleFileLogItem_readAsOneCloudTrailFile() throws Exception {
    byte[] one = trail().values().iterator().next();
    Item item = addLog(one, "111122223333_CloudTrail_us-east-1_20260301T1005Z_a1.json.gz", Compression.NONE, 0);
    CloudTrailReport r = analyse(item);
    assertThat(r.recordsRead()).isEqualTo(2);
    assertThat(r.inputs()).singleElement().satisfies(i -> assertThat(i.sha256()).isEqualTo(Sha256.digest(one)));
  }

  @Test
  void run_tamperedStoredByte_integrityFailure_andNoAnalysisItem() throws Exception {
    Item item = addLog(tar(trail()), "cloudtrail.tar", Compression.NONE, 0);
    Path stored = kase.dir().resolve(item.dir()).resolve(item.segments().get(0).file());
    byte[] b = Files.readAllBytes(stored);
    // pax header 0-1023 (the key is longer than 100 characters), ustar header 1024-1535, then the
    // first entry's gzip data: the archive still parses, the flipped byte is only in what it holds
    b[1700] ^= 0x01;
    stored.toFile().setWritable(true);
    Files.write(stored, b);
    assertThatThrownBy(() -> new CloudTrailAnalysis(Clock.systemUTC()).runInto(kase, List.of(item), List.of(), null))
        .isInstanceOf(IntegrityException.class).hasMessageContaining(item.id()).hasMessageContaining("SHA-256");
    assertThat(kase.items()).extracting(Item::type).doesNotContain(ItemType.ANALYSIS);
    assertThat(kase.log().verify().entries().get(kase.log().verify().entries().size() - 1).outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void run_tamperedZstdSegment_integrityFailure() throws Exception {
    Item item = addLog(tar(trail()), "cloudtrail.tar", Compression.ZSTD, 0);
    Path stored = kase.dir().resolve(item.dir()).resolve(item.segments().get(0).file());
    byte[] b = Files.readAllBytes(stored);
    b[b.length / 2] ^= 0x40;
    stored.toFile().setWritable(true);
    Files.write(stored, b);
    assertThatThrownBy(() -> analyse(item)).isInstanceOf(IntegrityException.class).hasMessageContaining(item.id());
  }

  @Test
  void run_entryDeclaringMoreThanTheCap_refusedBeforeReading_namingItemEntryAndOffset() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] ok = tar(Map.of("AWSLogs/ok.json", "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)));
    b.write(ok, 0, 1024); // header + one data block of a good entry, no end blocks
    b.write(header("AWSLogs/huge.json.gz", 2L << 30, TarArchiveEntry.LF_NORMAL));
    b.write(new byte[4096]);
    Item item = addLog(b.toByteArray(), "cloudtrail.tar", Compression.NONE, 0);
    assertThatThrownBy(() -> analyse(item)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(item.id()).hasMessageContaining("'AWSLogs/huge.json.gz' at offset 1024").hasMessageContaining("declares 2147483648 bytes");
  }

  @Test
  void run_traversalAndAbsoluteNames_areOnlyNames_nothingExtracted() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] gzip = trail().values().iterator().next();
    files.put("../../../../tmp/custody-escape.json.gz", gzip);
    files.put("/etc/custody-escape.json.gz", gzip);
    Path cwd = Path.of("").toAbsolutePath();
    try (var before = Files.list(cwd)) {
      long n = before.count();
      CloudTrailReport r = analyse(addLog(tar(files), "cloudtrail.tar", Compression.NONE, 0));
      assertThat(r.inputs()).extracting(InputFile::path).containsExactly("../../../../tmp/custody-escape.json.gz", "/etc/custody-escape.json.gz");
      assertThat(r.recordsRead()).isEqualTo(4);
      try (var after = Files.list(cwd)) {
        assertThat(after.count()).isEqualTo(n);
      }
    }
    assertThat(Path.of("/tmp/custody-escape.json.gz")).doesNotExist();
  }

  @Test
  void run_archiveTruncatedInsideAnEntry_namesTheEntryAndOffset() throws Exception {
    byte[] whole = tar(trail());
    // the first entry's header is at 1024 (after its pax header), its data from 1536
    Item item = addLog(Arrays.copyOf(whole, 1600), "cloudtrail.tar", Compression.NONE, 0);
    assertThatThrownBy(() -> analyse(item)).isInstanceOf(InvalidInputException.class).hasMessageContaining(item.id())
        .hasMessageContaining("malformed archive after entry 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/")
        .hasMessageContaining("(header at offset 1024)").hasMessageContaining("truncated at offset 1600");
  }

  @Test
  void run_archiveWithoutEndBlocks_refused() throws Exception {
    byte[] whole = tar(Map.of("AWSLogs/a.json", "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)));
    Item item = addLog(Arrays.copyOf(whole, 1024), "cloudtrail.tar", Compression.NONE, 0); // header and data, no end blocks
    assertThatThrownBy(() -> analyse(item)).isInstanceOf(InvalidInputException.class).hasMessageContaining(item.id())
        .hasMessageContaining("archive ends at offset 1024 without an end-of-archive block");
  }

  @Test
  void run_nonRegularEntry_refused() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(header("AWSLogs/link.json", 0, TarArchiveEntry.LF_SYMLINK));
    b.write(new byte[1024]);
    Item item = addLog(b.toByteArray(), "cloudtrail.tar", Compression.NONE, 0);
    assertThatThrownBy(() -> analyse(item)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'AWSLogs/link.json' at offset 0 is a symlink, not a regular file");
  }

  @Test
  void runInto_notALogItem_refusedBeforeAnythingIsRecorded() throws Exception {
    Item disk = kase.add(ItemSpec.of(ItemType.DISK, "vol-0123456789abcdef0", "d.raw"), new ByteArrayInputStream(new byte[512]), 512,
        ProgressListener.NONE);
    int before = kase.log().verify().entries().size();
    assertThatThrownBy(() -> new CloudTrailAnalysis(Clock.systemUTC()).runInto(kase, List.of(disk), List.of(), null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a log item");
    assertThat(kase.log().verify().entries()).hasSize(before);
  }
}
