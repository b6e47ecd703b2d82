package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Sha256;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudTrailReaderTest {

  @TempDir
  Path dir;

  private static final String REC = "{\"eventID\":\"%s\",\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\","
      + "\"eventTime\":\"2024-01-0%sT00:00:00Z\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\",\"accessKeyId\":\"AKIA1\"},"
      + "\"requestParameters\":{\"name\":\"trail\"},\"big\":{\"x\":[1,2,3]}}";

  private Path gz(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
      o.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return p;
  }

  private List<ObjectNode> read(Path p, Set<String> keep, List<InputFile> files) {
    List<ObjectNode> out = new ArrayList<>();
    files.add(new CloudTrailReader(keep).read(p, out::add));
    return out;
  }

  @Test
  void read_s3DeliveredGzip_recordsAndHashOfStoredBytes() throws Exception {
    Path p = gz("a.json.gz", "{\"Records\":[" + REC.formatted("e1", 1) + "," + REC.formatted("e2", 2) + "]}");
    List<InputFile> files = new ArrayList<>();
    List<ObjectNode> recs = read(p, Set.of("eventID", "eventName"), files);
    assertThat(recs).extracting(r -> r.get("eventID").asText()).containsExactly("e1", "e2");
    assertThat(recs.get(0).has("big")).as("keys not asked for are skipped").isFalse();
    assertThat(files.get(0).problem()).isNull();
    assertThat(files.get(0).sha256()).isEqualTo(Sha256.digest(Files.readAllBytes(p)));
  }

  @Test
  void read_lookupEventsShape_parsesEmbeddedRecord() throws Exception {
    String embedded = REC.formatted("e9", 3).replace("\"", "\\\"");
    Path p = Files.writeString(dir.resolve("lookup.json"),
        "{\"Events\":[{\"EventId\":\"e9\",\"EventName\":\"StopLogging\",\"CloudTrailEvent\":\"" + embedded + "\"}],\"NextToken\":\"x\"}");
    List<InputFile> files = new ArrayList<>();
    List<ObjectNode> recs = read(p, null, files);
    assertThat(recs).hasSize(1);
    assertThat(recs.get(0).get("userIdentity").get("accessKeyId").asText()).isEqualTo("AKIA1");
  }

  @Test
  void read_malformedAndTruncated_reportedWithOffsetAndNotFatal() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"Records\":[" + REC.formatted("e1", 1) + ",{\"eventID\":");
    byte[] whole = ("{\"Records\":[" + REC.formatted("e2", 2) + "]}").getBytes(StandardCharsets.UTF_8);
    Path full = gz("t.json.gz", new String(whole, StandardCharsets.UTF_8));
    byte[] gzBytes = Files.readAllBytes(full);
    Path truncated = Files.write(dir.resolve("t2.json.gz"), java.util.Arrays.copyOf(gzBytes, gzBytes.length / 2));
    Path notCt = Files.writeString(dir.resolve("other.json"), "{\"hello\":1}");
    CloudTrailReport r = new CloudTrailAnalysis(Clock.systemUTC()).run(List.of(dir));
    assertThat(r.inputs()).hasSize(4);
    assertThat(r.problems()).extracting(InputFile::path).containsExactlyInAnyOrder(bad.toString(), truncated.toString(), notCt.toString());
    assertThat(r.problems().stream().filter(i -> i.path().equals(bad.toString())).findFirst().orElseThrow().problem())
        .contains("malformed JSON at byte " + Files.size(bad) + ": unexpected end of input").contains("1 records of this file were read");
    assertThat(r.recordsRead()).isEqualTo(2);
    assertThat(r.findings()).anySatisfy(f -> assertThat(f.ruleId()).isEqualTo("cloudtrail-tampering"));
  }

  @Test
  void read_digestFile_namedAsSuch() throws Exception {
    Path p = gz("123_CloudTrail-Digest_eu-west-1.json.gz", "{\"awsAccountId\":\"123\",\"digestStartTime\":\"2024-01-01T00:00:00Z\","
        + "\"digestPublicKeyFingerprint\":\"ab\",\"logFiles\":[]}");
    List<InputFile> files = new ArrayList<>();
    assertThat(read(p, null, files)).isEmpty();
    assertThat(files.get(0).problem()).contains("digest file");
  }

  @Test
  void filters_sinceAndAccessKey_narrowTheRecords() throws Exception {
    Path p = Files.writeString(dir.resolve("a.json"), "[" + REC.formatted("e1", 1) + "," + REC.formatted("e2", 5) + "]");
    CloudTrailReport since = new CloudTrailAnalysis(Clock.systemUTC()).since(java.time.Instant.parse("2024-01-03T00:00:00Z")).run(List.of(p));
    assertThat(since.recordsRead()).isEqualTo(2);
    assertThat(since.recordsAnalysed()).isEqualTo(1);
    CloudTrailReport other = new CloudTrailAnalysis(Clock.systemUTC()).accessKey("AKIAOTHER").run(List.of(p));
    assertThat(other.recordsAnalysed()).isZero();
    assertThat(other.findings()).isEmpty();
  }

  @Test
  void read_detailsOfOtherCalls_skipped_unlessNamedAfterThem() throws Exception {
    String named = "{\"eventID\":\"%s\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"%s\",\"errorCode\":\"E\",\"errorMessage\":\"m\","
        + "\"requestParameters\":{\"instanceId\":\"i-1\"},\"responseElements\":{\"x\":1},\"additionalEventData\":{\"y\":2}}";
    String nameLast = "{\"eventID\":\"late\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"requestParameters\":{\"instanceId\":\"i-1\"},"
        + "\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"DescribeInstances\"}";
    String nameNotText = "{\"eventID\":\"odd\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":[\"DescribeInstances\"],"
        + "\"requestParameters\":{\"instanceId\":\"i-1\"}}";
    Path p = Files.writeString(dir.resolve("b.json"), "{\"Records\":[" + named.formatted("wanted", "GetPasswordData") + ","
        + named.formatted("other", "DescribeInstances") + "," + nameLast + "," + nameNotText + "]}");
    List<String> asked = new ArrayList<>();
    List<ObjectNode> out = new ArrayList<>();
    InputFile f = new CloudTrailReader(null, (source, name) -> {
      asked.add(source + " " + name);
      return name.equals("GetPasswordData");
    }).read(p, out::add);
    assertThat(f.problem()).isNull();
    assertThat(out).hasSize(4);
    for (String k : CloudTrailReader.DETAIL_KEYS) {
      assertThat(out.get(0).has(k)).as(k).isTrue();
      assertThat(out.get(1).has(k)).as("%s of a call nothing reads it for", k).isFalse();
    }
    assertThat(out.get(1).get("errorCode").asText()).isEqualTo("E");
    assertThat(out.get(1).get("eventName").asText()).isEqualTo("DescribeInstances");
    assertThat(out.get(2).has("requestParameters")).as("named after its request: kept").isTrue();
    assertThat(out.get(3).has("requestParameters")).as("a name that is not text: kept").isTrue();
    assertThat(asked).as("asked once a record").containsExactly("ec2.amazonaws.com GetPasswordData", "ec2.amazonaws.com DescribeInstances");
  }

  @Test
  void read_keyRepeated_reportedWithOffset_firstValueAnalysed_soTheOtherCallCannotHideIt() throws Exception {
    String sneaky = "{\"eventID\":\"s\",\"eventTime\":\"2024-01-02T00:00:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\","
        + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"},\"requestParameters\":{\"userName\":\"backdoor\"},"
        + "\"eventName\":\"ListUsers\"}";
    String text = "{\"Records\":[" + REC.formatted("e1", 1) + "," + sneaky + "]}";
    Path p = Files.writeString(dir.resolve("dup.json"), text);
    List<ObjectNode> out = new ArrayList<>();
    InputFile f = new CloudTrailReader(null, (source, name) -> !name.equals("ListUsers")).read(p, out::add);
    assertThat(out).extracting(r -> r.get("eventName").asText()).containsExactly("StopLogging", "CreateUser");
    assertThat(f.damaged()).isTrue();
    assertThat(f.problems().get(0)).isEqualTo("the record at byte " + text.indexOf("{\"eventID\":\"s\"") + " repeats the key \"eventName\": its first value is the one analysed");
    CloudTrailReport r = new CloudTrailAnalysis(Clock.systemUTC()).run(List.of(p));
    assertThat(r.findings()).extracting(CloudTrailFinding::ruleId).contains("iam-user-created");
    assertThat(r.damaged()).hasSize(1);
  }

  @Test
  void read_concatenatedDocuments_everyRecordReadAndTheSecondDocumentReported() throws Exception {
    String first = "{\"Records\":[" + REC.formatted("e1", 1) + "]}";
    Path p = Files.writeString(dir.resolve("two.json"), first + "\n{\"Records\":[" + REC.formatted("e2", 2) + "]}");
    List<InputFile> files = new ArrayList<>();
    assertThat(read(p, null, files)).extracting(r -> r.get("eventID").asText()).containsExactly("e1", "e2");
    assertThat(files.get(0).problems()).first().asString()
        .isEqualTo("a second JSON document starts at byte " + (first.length() + 1) + " (CloudTrail writes one per file); it was read too");
    Path glued = Files.writeString(dir.resolve("glued.json"), first + first.replace("e1", "e3") + "garbage");
    List<InputFile> g = new ArrayList<>();
    assertThat(read(glued, null, g)).extracting(r -> r.get("eventID").asText()).containsExactly("e1", "e3");
    assertThat(g.get(0).problems()).anySatisfy(m -> assertThat(m).startsWith("a second JSON document starts at byte " + first.length()))
        .anySatisfy(m -> assertThat(m).startsWith("malformed JSON at byte " + (2 * first.length())));
  }

  private byte[] gzBytes(String content) throws Exception {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(b)) {
      o.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  @Test
  void read_gzipCrcLengthTrailingDataAndCut_eachReported_recordsThatParsedAreKept() throws Exception {
    byte[] good = gzBytes("{\"Records\":[" + REC.formatted("e1", 1) + "]}");
    byte[] badCrc = good.clone();
    badCrc[good.length - 8] ^= 0x5a;
    byte[] badLength = good.clone();
    badLength[good.length - 1] ^= 0x01;
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 7);
    System.arraycopy("garbage".getBytes(StandardCharsets.US_ASCII), 0, trailing, good.length, 7);
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 4);
    byte[] twoMembers = java.util.Arrays.copyOf(good, good.length * 2);
    System.arraycopy(gzBytes("   "), 0, twoMembers, good.length, gzBytes("   ").length);
    twoMembers = java.util.Arrays.copyOf(twoMembers, good.length + gzBytes("   ").length);
    record Case(String name, byte[] bytes, String expected) {}
    for (Case c : List.of(new Case("crc", badCrc, "gzip: its CRC-32 does not match its data"),
        new Case("length", badLength, "gzip: its recorded length does not match its data"),
        new Case("trailing", trailing, "gzip: data follows the end of the gzip stream"),
        new Case("cut", cut, "gzip: the gzip stream is cut short"))) {
      Path p = Files.write(dir.resolve(c.name() + ".json.gz"), c.bytes());
      List<InputFile> files = new ArrayList<>();
      List<ObjectNode> recs = read(p, null, files);
      InputFile f = files.get(0);
      assertThat(f.problems()).as(c.name()).anySatisfy(m -> assertThat(m).startsWith(c.expected() + " (at compressed byte "));
      assertThat(f.sha256()).as("the stored bytes' hash, whatever they hold").isEqualTo(Sha256.digest(c.bytes()));
      assertThat(recs.size() + f.rejected()).as(c.name()).isLessThanOrEqualTo(1);
    }
    Path p = Files.write(dir.resolve("members.json.gz"), twoMembers);
    List<InputFile> files = new ArrayList<>();
    assertThat(read(p, null, files)).hasSize(1);
    assertThat(files.get(0).problems()).as("a second gzip member of whitespace is still gzip").isEmpty();
  }

  @Test
  void read_garbageAndNumericEventTimes_rejectedWithOffset_neverInFirstSeen_nor_silentlyDroppedBySince() throws Exception {
    List<String> bad = List.of("\"\"", "\"yesterday\"", "\"2024-13-01T00:00:00Z\"", "\"2024-02-30T00:00:00Z\"", "\"2024-01-01T24:00:00Z\"",
        "\"2024-01-01T00:00:00\"", "\"2024-01-01 00:00:00Z\"", "\"2024-01-01T00:00:00+01:00\"", "\"+10000-01-01T00:00:00Z\"",
        "\"2024-01-01T00:00:00.Z\"", "1704067200", "1.7e9", "null", "true", "{}", "[]");
    StringBuilder text = new StringBuilder("{\"Records\":[").append(REC.formatted("good", 4));
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < bad.size(); i++) {
      text.append(',');
      offsets.add(text.length());
      text.append(REC.formatted("b" + i, 5).replace("\"2024-01-05T00:00:00Z\"", bad.get(i)));
    }
    Path p = Files.writeString(dir.resolve("times.json"), text.append("]}").toString());
    CloudTrailReport r = new CloudTrailAnalysis(Clock.systemUTC()).since(java.time.Instant.parse("2024-01-03T00:00:00Z")).run(List.of(p));
    InputFile f = r.inputs().get(0);
    assertThat(f.records()).isEqualTo(1);
    assertThat(f.rejected()).isEqualTo(bad.size());
    assertThat(r.recordsAnalysed()).isEqualTo(1);
    assertThat(r.principals()).singleElement().satisfies(s -> assertThat(s.firstSeen()).isEqualTo("2024-01-04T00:00:00Z"));
    assertThat(f.problems()).hasSize(bad.size() + 1);
    for (int i = 0; i < MAX_SHOWN; i++) {
      assertThat(f.problems().get(i)).startsWith("the record at byte " + offsets.get(i) + " has an eventTime that is not a UTC time as CloudTrail writes it")
          .endsWith(": not analysed");
    }
    assertThat(f.problems()).contains("1 records of this file were read and analysed, " + bad.size() + " were not");
  }

  static final int MAX_SHOWN = 16; // of the 16 bad times, all are shown (the bound is 20)

  @Test
  void read_nonJsonHoldingAKey_problemQuotesNothingOfIt() throws Exception {
    Path p = Files.writeString(dir.resolve("secret.json"), "AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    List<InputFile> files = new ArrayList<>();
    read(p, null, files);
    assertThat(files.get(0).problem()).isEqualTo("malformed JSON at byte 0: not valid JSON; the rest of the file cannot be read safely")
        .doesNotContain("AKIA").doesNotContain("wJal");
    Path q = Files.writeString(dir.resolve("inner.json"), "{\"Events\":[{\"CloudTrailEvent\":\"AKIAIOSFODNN7EXAMPLE\"}]}");
    List<InputFile> g = new ArrayList<>();
    read(q, null, g);
    assertThat(g.get(0).problems().get(0)).isEqualTo("the record at byte 11 has a CloudTrailEvent that is not valid JSON (at character 0: not valid JSON): not analysed");
  }

  @Test
  void expand_symlinksInsideTheFolder_reportedAndNotFollowed() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path secret = Files.writeString(outside.resolve("x.json"), "{\"Records\":[" + REC.formatted("outside", 1) + "]}");
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("a.json"), "{\"Records\":[" + REC.formatted("inside", 1) + "]}");
    Files.createSymbolicLink(in.resolve("link.json"), secret);
    Files.createSymbolicLink(in.resolve("dirlink"), outside);
    CloudTrailReport r = new CloudTrailAnalysis(Clock.systemUTC()).run(List.of(in));
    assertThat(r.inputs()).extracting(InputFile::path).containsExactly(in.resolve("a.json").toString(), in.resolve("link.json").toString());
    assertThat(r.recordsRead()).isEqualTo(1);
    assertThat(r.damaged()).singleElement().satisfies(f -> assertThat(f.problem()).startsWith("a symbolic link: not followed"));
  }

  @Test
  void read_unreadableNumberDeepInARecord_thatRecordRejected_theNextOnesRead() throws Exception {
    String bad = REC.formatted("bad", 1).replace("\"big\":{\"x\":[1,2,3]}", "\"big\":{\"x\":[1,{\"y\":3408134e666666666666666666},3]}");
    String text = "{\"Records\":[" + bad + "," + REC.formatted("after", 2) + "]}";
    Path p = Files.writeString(dir.resolve("num.json"), text);
    List<InputFile> files = new ArrayList<>();
    assertThat(read(p, null, files)).extracting(r -> r.get("eventID").asText()).containsExactly("after");
    assertThat(files.get(0).problems()).first().asString().isEqualTo("the record at byte 12 has a number that cannot be read: not analysed");
    assertThat(files.get(0).rejected()).isEqualTo(1);
  }
}
