package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.CliRun;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.Acquisitions;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A trail bucket in the emulator, as CloudTrail fills it (gzipped {@code {"Records":[…]}} under the
 * AWSLogs key layout over two days, a digest file, another service's logs): {@code acquire
 * cloudtrail} stores exactly the log files, {@code analyze cloudtrail --item} finds what the same
 * files on disk give, and a stored byte changed afterwards fails the analysis.
 */
@ExtendWith(MotoServer.class)
class CloudTrailAcquisitionAwsTest {

  static final String BUCKET = "acme-org-trail";
  static final String ACCOUNT = "111122223333";
  static final String DAY1 = "AWSLogs/" + ACCOUNT + "/CloudTrail/us-east-1/2026/03/01/" + ACCOUNT + "_CloudTrail_us-east-1_20260301T2355Z_Xq3pL0aB9cD2eF4g.json.gz";
  static final String DAY1B = "AWSLogs/" + ACCOUNT + "/CloudTrail/eu-west-1/2026/03/01/" + ACCOUNT + "_CloudTrail_eu-west-1_20260301T2210Z_Hh7sT1uV3wX5yZ6a.json.gz";
  static final String DAY2 = "AWSLogs/" + ACCOUNT + "/CloudTrail/us-east-1/2026/03/02/" + ACCOUNT + "_CloudTrail_us-east-1_20260302T0130Z_Bb8nM2kJ4hG6fD1s.json.gz";
  static final String DIGEST = "AWSLogs/" + ACCOUNT + "/CloudTrail-Digest/us-east-1/2026/03/02/" + ACCOUNT
      + "_CloudTrail-Digest_us-east-1_main-trail_us-east-1_20260302T013000Z.json.gz";
  static final String ELB = "AWSLogs/" + ACCOUNT + "/elasticloadbalancing/us-east-1/2026/03/01/" + ACCOUNT
      + "_elasticloadbalancing_us-east-1_app.web.50dc6c495c0c9188_20260301T2355Z_198.51.100.4_2soosksi.log.gz";

  @TempDir Path tmp;
  Path home;
  S3Client s3;
  Map<String, byte[]> logs;

  /** One record; {@code extra} adds keys, and a readOnly there replaces the default (a record names each key once). */
  static String rec(String id, String time, String source, String name, String params, String extra) {
    String rec = ("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLEMALLORY01\","
        + "\"arn\":\"arn:aws:iam::%1$s:user/mallory\",\"accountId\":\"%1$s\",\"accessKeyId\":\"AKIAEXAMPLEMALLORY01\",\"userName\":\"mallory\"},"
        + "\"eventTime\":\"%2$s\",\"eventSource\":\"%3$s\",\"eventName\":\"%4$s\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.23\","
        + "\"userAgent\":\"aws-cli/2.15.30 md/Botocore#1.34.62 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8\","
        + "\"requestParameters\":%5$s,\"responseElements\":null,\"requestID\":\"%6$s-req\",\"eventID\":\"%6$s\",\"readOnly\":false,"
        + "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"%1$s\",\"eventCategory\":\"Management\"%7$s}")
        .formatted(ACCOUNT, time, source, name, params, id, extra);
    return extra.contains("\"readOnly\"") ? rec.replace("\"readOnly\":false,", "") : rec;
  }

  static byte[] gz(String text) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  static String records(String... recs) {
    return "{\"Records\":[" + String.join(",", recs) + "]}";
  }

  @BeforeEach
  void seed() throws Exception {
    home = tmp.resolve("home");
    s3 = SeedScenario.client(S3Client.builder().forcePathStyle(true), MotoServer.endpoint(), "us-east-1");
    s3.createBucket(r -> r.bucket(BUCKET));
    logs = new LinkedHashMap<>();
    logs.put(DAY1, gz(records(
        rec("3f1c9a2e-0b7d-4e55-9a61-1d2c3b4a5f60", "2026-03-01T23:41:07Z", "iam.amazonaws.com", "CreateUser", "{\"userName\":\"svc-backup\"}", ""),
        rec("7d2e8b1f-5c3a-4b9e-8f70-2e3d4c5b6a71", "2026-03-01T23:41:39Z", "iam.amazonaws.com", "CreateAccessKey", "{\"userName\":\"svc-backup\"}", ""),
        rec("a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c62", "2026-03-01T23:42:02Z", "iam.amazonaws.com", "AttachUserPolicy",
            "{\"userName\":\"svc-backup\",\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}", ""),
        rec("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e73", "2026-03-01T23:44:15Z", "ec2.amazonaws.com", "DescribeInstances", "{\"instancesSet\":{}}",
            ",\"readOnly\":true"))));
    logs.put(DAY1B, gz(records(
        rec("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a884", "2026-03-01T22:05:51Z", "ec2.amazonaws.com", "ModifySnapshotAttribute",
            "{\"snapshotId\":\"snap-0a1b2c3d4e5f60718\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"999988887777\"}]}},"
                + "\"attributeType\":\"CREATE_VOLUME_PERMISSION\"}", ""))));
    logs.put(DAY2, gz(records(
        rec("b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d95", "2026-03-02T01:17:44Z", "cloudtrail.amazonaws.com", "StopLogging",
            "{\"name\":\"arn:aws:cloudtrail:us-east-1:" + ACCOUNT + ":trail/main-trail\"}", ""),
        rec("c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5ea6", "2026-03-02T01:19:02Z", "s3.amazonaws.com", "ListBuckets", "{\"Host\":\"s3.amazonaws.com\"}",
            ",\"readOnly\":true"))));
    for (var e : logs.entrySet()) {
      s3.putObject(r -> r.bucket(BUCKET).key(e.getKey()), RequestBody.fromBytes(e.getValue()));
    }
    s3.putObject(r -> r.bucket(BUCKET).key(DIGEST), RequestBody.fromBytes(gz("{\"awsAccountId\":\"" + ACCOUNT + "\",\"digestStartTime\":"
        + "\"2026-03-02T00:30:00Z\",\"digestEndTime\":\"2026-03-02T01:30:00Z\",\"digestPublicKeyFingerprint\":\"9a8b7c\",\"logFiles\":[]}")));
    s3.putObject(r -> r.bucket(BUCKET).key(ELB), RequestBody.fromBytes(gz("h2 2026-03-01T23:55:00.000000Z app/web 203.0.113.9:44312 - -1 -1 -1 "
        + "400 - 0 0 \"GET http://web:80/ HTTP/1.1\" \"-\" - - - \"-\" \"-\" \"-\" - - \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\"\n")));
    assertThat(CliRun.run("case", "open", "--case", "IR-T", "--examiner", "E", "--home", home.toString()).exit()).isZero();
  }

  @AfterEach
  void close() {
    s3.close();
  }

  Case kase() {
    return CaseStore.at(home, Clock.systemUTC()).load("IR-T");
  }

  /** The stored archive, its segments concatenated. */
  static byte[] stored(Case kase, Item item) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (var s : item.segments()) {
      all.write(Files.readAllBytes(kase.dir().resolve(item.dir()).resolve(s.file())));
    }
    return all.toByteArray();
  }

  static Map<String, byte[]> entries(byte[] tar) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = t.getNextEntry()) != null) {
        assertThat(e.isFile()).as(e.getName()).isTrue();
        out.put(e.getName(), t.readAllBytes());
      }
    }
    return out;
  }

  @Test
  void acquire_thenAnalyzeTheItem_sameAsTheFilesFromDisk_andATamperedByteFails() throws Exception {
    CliRun r = CliRun.aws(home, "acquire", "cloudtrail", "--case", "IR-T", "--bucket", BUCKET, "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode out = Json.mapper().readTree(r.out());
    assertThat(out.get("listed").asLong()).isEqualTo(5);
    assertThat(out.get("objects").asLong()).isEqualTo(3);
    assertThat(out.get("md5_checked").asLong()).isEqualTo(3);
    assertThat(out.get("skipped").get("digest").asLong()).isEqualTo(1);
    assertThat(out.get("skipped").get("not_json").asLong()).isEqualTo(1);
    assertThat(r.err()).contains("5 objects listed, 3 CloudTrail log files to acquire");

    Case kase = kase();
    Item item = kase.items().get(0);
    assertThat(item.id()).isEqualTo(out.get("item").get("id").asText());
    assertThat(item.sourceId()).isEqualTo("s3://" + BUCKET + "/AWSLogs/");
    assertThat(item.type().label()).isEqualTo("log");
    assertThat(item.name()).isEqualTo("cloudtrail.tar");
    assertThat(item.dir()).isEqualTo("data/logs/cloudtrail-" + BUCKET);
    assertThat(item.files()).contains("objects.json");

    // the archive: every log file, named by its key, byte-equal, in S3's key order; hashed as recorded
    byte[] tar = stored(kase, item);
    assertThat(Sha256.digest(tar)).isEqualTo(item.hashes().sha256());
    assertThat(tar.length).isEqualTo(item.size());
    Map<String, byte[]> entries = entries(tar);
    assertThat(entries.keySet()).containsExactly(DAY1B, DAY1, DAY2);
    logs.forEach((k, v) -> assertThat(entries.get(k)).as(k).isEqualTo(v));

    // objects.json: what S3 said and what the bytes hash to
    JsonNode doc = Json.mapper().readTree(kase.dir().resolve(item.dir()).resolve("objects.json").toFile());
    assertThat(doc.get("source").asText()).isEqualTo("s3://" + BUCKET + "/AWSLogs/");
    assertThat(doc.get("objects")).hasSize(3);
    for (JsonNode o : doc.get("objects")) {
      byte[] b = logs.get(o.get("key").asText());
      String md5 = HexFormat.of().formatHex(HashAlgorithm.MD5.newDigest().digest(b));
      assertThat(o.get("size").asLong()).isEqualTo(b.length);
      assertThat(o.get("sha256").asText()).isEqualTo(Sha256.digest(b).hex());
      assertThat(o.get("etag").asText()).isEqualTo(md5);
      assertThat(o.get("md5_checked").asBoolean()).isTrue();
      assertThat(o.get("last_modified").asText()).endsWith("Z");
      assertThat(o.get("key_date").asText()).startsWith("2026-03-0");
    }

    // the custody log: intent about the source, outcome with the item, its file and objects.json, all hashed
    List<CustodyEntry> log = kase.log().verify().entries();
    assertThat(kase.log().verify().problems()).isEmpty();
    assertThat(Acquisitions.state(log, "s3://" + BUCKET + "/AWSLogs/", "log")).isEqualTo(Acquisitions.State.SUCCEEDED);
    CustodyEntry outcome = log.stream().filter(e -> e.event().equals("acquired") && e.outcome() == Outcome.SUCCEEDED).findFirst().orElseThrow();
    assertThat(outcome.objects()).extracting(CustodyObject::itemId).contains(item.id());
    assertThat(outcome.objects()).anySatisfy(o -> assertThat(o.path()).isEqualTo(item.dir() + "/objects.json"));
    assertThat(outcome.objects()).anySatisfy(o -> assertThat(o.sha256()).isEqualTo(item.hashes().sha256()));
    assertThat(outcome.notes()).contains("3 CloudTrail log files", "3 checked against their MD5 ETag");

    // analysed from the case, and from the same files on disk: the same records and findings
    Path disk = tmp.resolve("disk");
    for (var e : logs.entrySet()) {
      Files.createDirectories(disk.resolve(e.getKey()).getParent());
      Files.write(disk.resolve(e.getKey()), e.getValue());
    }
    CliRun fromItem = CliRun.run("analyze", "cloudtrail", "--case", "IR-T", "--item", item.id(), "--json", "--home", home.toString());
    CliRun fromDisk = CliRun.run("analyze", "cloudtrail", "--case", "IR-T", disk.toString(), "--json", "--home", home.toString());
    assertThat(fromItem.exit()).as(fromItem.toString()).isEqualTo(1); // findings of medium or above
    assertThat(fromDisk.exit()).as(fromDisk.toString()).isEqualTo(1);
    JsonNode a = Json.mapper().readTree(fromItem.out());
    JsonNode d = Json.mapper().readTree(fromDisk.out());
    assertThat(a.get("records_read").asLong()).isEqualTo(d.get("records_read").asLong()).isEqualTo(7);
    assertThat(a.get("records_analysed").asLong()).isEqualTo(d.get("records_analysed").asLong());
    assertThat(findings(a)).isEqualTo(findings(d)).contains("cloudtrail-tampering b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d95",
        "snapshot-shared 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a884", "iam-user-created 3f1c9a2e-0b7d-4e55-9a61-1d2c3b4a5f60");
    assertThat(a.get("principals")).isEqualTo(d.get("principals"));
    assertThat(a.get("inputs")).allSatisfy(i -> {
      assertThat(i.get("item").asText()).isEqualTo(item.id());
      assertThat(i.get("sha256").asText()).isEqualTo(Sha256.digest(logs.get(i.get("path").asText())).hex());
    });
    CustodyEntry intent = kase.log().verify().entries().stream().filter(e -> e.event().equals("analysed") && e.outcome() == Outcome.INTENT)
        .findFirst().orElseThrow();
    assertThat(intent.objects()).singleElement().satisfies(o -> {
      assertThat(o.itemId()).isEqualTo(item.id());
      assertThat(o.sha256()).isEqualTo(item.hashes().sha256());
    });

    // a byte of the stored archive changed afterwards: the analysis fails, says why, adds nothing
    Path segment = kase.dir().resolve(item.dir()).resolve(item.segments().get(0).file());
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 3] ^= 0x01;
    segment.toFile().setWritable(true);
    Files.write(segment, bytes);
    int analyses = (int) kase.items().stream().filter(i -> i.type().label().equals("analysis")).count();
    CliRun tampered = CliRun.run("analyze", "cloudtrail", "--case", "IR-T", "--item", item.id(), "--home", home.toString());
    assertThat(tampered.exit()).as(tampered.toString()).isEqualTo(1);
    assertThat(tampered.err()).contains("Failed to read item '" + item.id() + "'").contains("SHA-256");
    assertThat(kase.items().stream().filter(i -> i.type().label().equals("analysis")).count()).isEqualTo(analyses);
  }

  /** "rule eventID" for every event of every finding, sorted. */
  static List<String> findings(JsonNode report) {
    List<String> out = new ArrayList<>();
    report.get("findings").forEach(f -> f.get("event_ids").forEach(id -> out.add(f.get("rule_id").asText() + " " + id.asText())));
    out.sort(null);
    return out;
  }

  @Test
  void acquire_since_keepsOnlyLaterDates_andASecondRunIsASecondItem() throws Exception {
    CliRun r = CliRun.aws(home, "acquire", "cloudtrail", "--case", "IR-T", "--bucket", BUCKET, "--since", "2026-03-02");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("objects     1 CloudTrail log files").contains("outside_dates=2");
    Case kase = kase();
    Item item = kase.items().get(0);
    assertThat(entries(stored(kase, item)).keySet()).containsExactly(DAY2);
    assertThat(item.origin()).contains("filed from 2026-03-02");

    CliRun until = CliRun.aws(home, "acquire", "cloudtrail", "--case", "IR-T", "--bucket", BUCKET, "--until", "2026-03-01", "--prefix",
        "AWSLogs/" + ACCOUNT + "/CloudTrail/", "--json");
    assertThat(until.exit()).as(until.toString()).isZero();
    Item second = kase.items().get(1);
    assertThat(second.sourceId()).isEqualTo("s3://" + BUCKET + "/AWSLogs/" + ACCOUNT + "/CloudTrail/");
    assertThat(second.dir()).isEqualTo("data/logs/cloudtrail-" + BUCKET + "-2");
    assertThat(entries(stored(kase, second)).keySet()).containsExactly(DAY1B, DAY1);
  }

  @Test
  void acquire_badBucketOrNothingThere_clearErrors() {
    CliRun missing = CliRun.aws(home, "acquire", "cloudtrail", "--case", "IR-T", "--bucket", "no-such-trail-bucket");
    assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
    assertThat(missing.err()).contains("no-such-trail-bucket").contains("NoSuchBucket");
    CliRun empty = CliRun.aws(home, "acquire", "cloudtrail", "--case", "IR-T", "--bucket", BUCKET, "--since", "2027-01-01");
    assertThat(empty.exit()).as(empty.toString()).isEqualTo(2);
    assertThat(empty.err()).contains("no CloudTrail log file").contains("outside_dates=3");
    CliRun badDate = CliRun.aws(home, "acquire", "cloudtrail", "--case", "IR-T", "--bucket", BUCKET, "--since", "March");
    assertThat(badDate.exit()).isEqualTo(2);
    assertThat(badDate.err()).contains("not a time", "2026-03-01");
    CliRun neither = CliRun.run("analyze", "cloudtrail", "--case", "IR-T", "--home", home.toString());
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("--item");
    assertThat(kase().items()).isEmpty();
  }
}
