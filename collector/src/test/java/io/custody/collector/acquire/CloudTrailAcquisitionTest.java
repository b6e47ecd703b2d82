package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.aws.S3Gateway;
import io.custody.collector.testing.UnusedS3;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.custody.Acquisitions;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CloudTrail acquisition against an S3 fake, for what the emulator cannot do: bytes that change
 * in flight (MD5 ETag mismatch once, then twice), ETags that are no MD5 (SSE-KMS, multipart), short
 * bodies, oversized objects; and the key layout rules.
 */
class CloudTrailAcquisitionTest {

  @TempDir Path home;
  Case kase;
  FakeS3 s3;
  ByteArrayOutputStream said;

  static final String DAY1 = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/111122223333_CloudTrail_us-east-1_20260301T1005Z_a.json.gz";
  static final String DAY2 = "AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T0000Z_b.json.gz";

  /** A bucket in memory; objects listed in key order, like S3. */
  static final class FakeS3 extends UnusedS3 {
    record Obj(byte[] bytes, String etag, String sse) {}

    final Map<String, Obj> objects = new TreeMap<>();
    final Map<String, Integer> corruptReads = new java.util.HashMap<>();
    final Map<String, Integer> shortReads = new java.util.HashMap<>();
    final AtomicInteger gets = new AtomicInteger();

    void put(String key, byte[] bytes) {
      objects.put(key, new Obj(bytes, md5(bytes), null));
    }

    @Override
    public void listObjects(String bucket, String prefix, Consumer<ListedObject> each) {
      objects.forEach((k, o) -> {
        if (k.startsWith(prefix)) {
          each.accept(new ListedObject(k, o.bytes.length, o.etag, Instant.parse("2026-03-02T00:00:00Z")));
        }
      });
    }

    @Override
    public ObjectDownload getObject(String bucket, String key) {
      gets.incrementAndGet();
      Obj o = objects.get(key);
      byte[] sent = o.bytes.clone();
      if (corruptReads.merge(key, -1, Integer::sum) >= 0) {
        sent[sent.length / 2] ^= 0x20; // changed in flight; the ETag is of the original
      }
      InputStream body = new ByteArrayInputStream(sent);
      if (shortReads.merge(key, -1, Integer::sum) >= 0) {
        body = new ByteArrayInputStream(sent, 0, sent.length - 3);
      }
      return new ObjectDownload(body, o.bytes.length, o.etag, "v1", Instant.parse("2026-03-02T00:00:00Z"), o.sse, false);
    }
  }

  static String md5(byte[] b) {
    return HexFormat.of().formatHex(HashAlgorithm.MD5.newDigest().digest(b));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void setUp() {
    kase = CaseStore.at(home, Fixtures.CLOCK).open("IR-CT", "E", null, null);
    s3 = new FakeS3();
    said = new ByteArrayOutputStream();
    s3.put(DAY1, Fixtures.data(3000, 1));
    s3.put(DAY2, Fixtures.data(5000, 2));
  }

  CloudTrailAcquisition acquisition() {
    return new CloudTrailAcquisition(kase, s3, ProgressListener.NONE, new PrintStream(said, true, StandardCharsets.UTF_8));
  }

  static CloudTrailAcquisition.Request all() {
    return new CloudTrailAcquisition.Request("trail-bucket", null, null, null, 0);
  }

  /** The entries of the stored archive, by name, in order. */
  Map<String, byte[]> entries(Item item) throws IOException {
    Map<String, byte[]> out = new java.util.LinkedHashMap<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (var s : item.segments()) {
      all.write(Files.readAllBytes(kase.dir().resolve(item.dir()).resolve(s.file())));
    }
    try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(all.toByteArray()))) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        assertThat(e.isFile()).isTrue();
        out.put(e.getName(), t.readAllBytes());
      }
    }
    return out;
  }

  JsonNode objectsJson(Item item) throws IOException {
    return Json.mapper().readTree(kase.dir().resolve(item.dir()).resolve("objects.json").toFile());
  }

  @Test
  void acquire_md5EtagMismatchOnce_retriedAndRecorded() throws Exception {
    s3.corruptReads.put(DAY1, 1);
    CloudTrailAcquisition.Result r = acquisition().acquire(all());
    assertThat(r.objects()).isEqualTo(2);
    assertThat(r.retried()).isEqualTo(1);
    assertThat(r.md5Checked()).isEqualTo(2);
    assertThat(entries(r.item()).get(DAY1)).as("the second, good download is archived").isEqualTo(s3.objects.get(DAY1).bytes());
    JsonNode o = objectsJson(r.item()).get("objects").get(0);
    assertThat(o.get("key").asText()).isEqualTo(DAY1);
    assertThat(o.get("md5_checked").asBoolean()).isTrue();
    assertThat(o.get("retried").asText()).contains("its bytes have MD5").contains("its ETag says " + s3.objects.get(DAY1).etag());
    assertThat(said.toString(StandardCharsets.UTF_8)).contains("downloading it again");
  }

  @Test
  void acquire_md5EtagMismatchTwice_integrityFailureNamingTheKey_nothingKept_failureRecorded() throws Exception {
    s3.corruptReads.put(DAY2, 2);
    assertThatThrownBy(() -> acquisition().acquire(all())).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("s3://trail-bucket/" + DAY2).hasMessageContaining("ETag");
    assertThat(kase.items()).isEmpty();
    assertThat(kase.dir().resolve("data/logs/cloudtrail-trail-bucket")).doesNotExist();
    assertThat(kase.dir().resolve("work/cloudtrail-item-001")).doesNotExist();
    List<CustodyEntry> entries = kase.log().verify().entries();
    assertThat(entries.get(entries.size() - 1).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(entries.get(entries.size() - 1).notes()).contains(DAY2);
    assertThat(Acquisitions.state(entries, "s3://trail-bucket/AWSLogs/", "log")).isEqualTo(Acquisitions.State.UNFINISHED);
  }

  @Test
  void acquire_etagsThatAreNoMd5_notChecked_saidWhy() throws Exception {
    byte[] kms = Fixtures.data(100, 3);
    // an SSE-KMS object's ETag looks like an MD5 but is not one of the bytes
    s3.objects.put(DAY1, new FakeS3.Obj(kms, "0123456789abcdef0123456789abcdef", "aws:kms"));
    s3.objects.put(DAY2, new FakeS3.Obj(Fixtures.data(100, 4), "9b2cf535f27731c974343645a3985328-3", "AES256"));
    CloudTrailAcquisition.Result r = acquisition().acquire(all());
    assertThat(r.md5Checked()).isZero();
    assertThat(r.md5NotChecked()).isEqualTo(2);
    JsonNode objects = objectsJson(r.item()).get("objects");
    assertThat(objects.get(0).get("md5_checked").asBoolean()).isFalse();
    assertThat(objects.get(0).get("md5_not_checked").asText()).startsWith("SSE-KMS");
    assertThat(objects.get(0).get("server_side_encryption").asText()).isEqualTo("aws:kms");
    assertThat(objects.get(1).get("md5_not_checked").asText()).startsWith("multipart upload");
    assertThat(objects.get(0).get("md5").asText()).isEqualTo(md5(kms));
  }

  @Test
  void acquire_shortBodyTwice_awsFailure() {
    s3.shortReads.put(DAY1, 2);
    assertThatThrownBy(() -> acquisition().acquire(all())).isInstanceOf(AwsOperationException.class)
        .hasMessageContaining(DAY1).hasMessageContaining("announced 3000 bytes and sent 2997");
  }

  @Test
  void acquire_objectLargerThanTheCap_refusedBeforeAnyDownload() {
    s3.put("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/03/big.json.gz", new byte[4096]);
    assertThatThrownBy(() -> acquisition().acquire(new CloudTrailAcquisition.Request("trail-bucket", null, null, null, 4000)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("big.json.gz").hasMessageContaining("--max-object-size");
    assertThat(s3.gets.get()).isZero();
    assertThat(kase.items()).isEmpty();
  }

  @Test
  void acquire_layout_keepsLogFilesAndUndated_leavesOutTheRest_datesInclusive() throws Exception {
    s3.put("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/01/111122223333_CloudTrail-Digest_us-east-1_x.json.gz", bytes("{}"));
    s3.put("AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/03/01/111122223333_CloudTrail-Insight_us-east-1_x.json.gz", bytes("{}"));
    s3.put("AWSLogs/111122223333/Config/us-east-1/2026/3/1/ConfigHistory/x.json.gz", bytes("{}"));
    s3.put("AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/28/old.json.gz", bytes("{}"));
    s3.put("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/03/later.json", bytes("{}"));
    s3.put("AWSLogs/copied-by-hand/incident.json", bytes("{}"));
    s3.put("AWSLogs/notes.txt", bytes("x"));
    s3.put("elsewhere/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/outside-prefix.json.gz", bytes("{}"));
    CloudTrailAcquisition.Result r = acquisition().acquire(new CloudTrailAcquisition.Request("trail-bucket", null, LocalDate.parse("2026-03-01"),
        LocalDate.parse("2026-03-02"), 0));
    assertThat(entries(r.item()).keySet()).containsExactly(DAY1, "AWSLogs/copied-by-hand/incident.json", DAY2);
    assertThat(r.undated()).isEqualTo(1);
    assertThat(r.listed()).isEqualTo(9);
    assertThat(r.skipped()).containsExactly(Map.entry("digest", 1L), Map.entry("insight", 1L), Map.entry("other_service", 1L),
        Map.entry("not_json", 1L), Map.entry("outside_dates", 2L));
    assertThat(said.toString(StandardCharsets.UTF_8)).contains("outside the CloudTrail key layout are kept whatever --since/--until say");
    JsonNode doc = objectsJson(r.item());
    assertThat(doc.get("source").asText()).isEqualTo("s3://trail-bucket/AWSLogs/");
    assertThat(doc.get("objects").get(0).get("key_date").asText()).isEqualTo("2026-03-01");
    assertThat(doc.get("objects").get(1).has("key_date")).isFalse();
    assertThat(r.item().dir()).isEqualTo("data/logs/cloudtrail-trail-bucket");
  }

  @Test
  void acquire_nothingMatches_usageErrorAndTheIntentIsClosedFailed() {
    assertThatThrownBy(() -> acquisition().acquire(new CloudTrailAcquisition.Request("trail-bucket", "AWSLogs/999999999999/", null, null, 0)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no CloudTrail log file").hasMessageContaining("--prefix");
    List<CustodyEntry> entries = kase.log().verify().entries();
    assertThat(entries.get(entries.size() - 1).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(io.custody.evidence.custody.CustodyLog.openIntents(entries)).isEmpty();
  }

  @Test
  void request_badValues_refused() {
    assertThatThrownBy(() -> new CloudTrailAcquisition.Request("Bad_Bucket", null, null, null, 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new CloudTrailAcquisition.Request("trail-bucket", null, LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-01"), 0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("since is after until");
    assertThatThrownBy(() -> acquisition().acquire(new CloudTrailAcquisition.Request("trail-bucket", "AWS Logs/", null, null, 0)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("s3://trail-bucket/AWS Logs/");
  }
}
