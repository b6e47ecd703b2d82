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
        .contains("malformed JSON at byte").contains("1 records before it");
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
    String named = "{\"eventID\":\"%s\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"%s\",\"errorCode\":\"E\",\"errorMessage\":\"m\","
        + "\"requestParameters\":{\"instanceId\":\"i-1\"},\"responseElements\":{\"x\":1},\"additionalEventData\":{\"y\":2}}";
    String nameLast = "{\"eventID\":\"late\",\"requestParameters\":{\"instanceId\":\"i-1\"},"
        + "\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"DescribeInstances\"}";
    String nameNotText = "{\"eventID\":\"odd\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":[\"DescribeInstances\"],"
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
  void read_nameRepeatedAfterSkippedDetails_reportedNotAnalysedAsTheOtherCall() throws Exception {
    String sneaky = "{\"eventID\":\"s\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
        + "\"requestParameters\":{\"userName\":\"backdoor\"},\"eventName\":\"CreateUser\"}";
    Path p = Files.writeString(dir.resolve("dup.json"), "{\"Records\":[" + REC.formatted("e1", 1) + "," + sneaky + "]}");
    List<ObjectNode> out = new ArrayList<>();
    InputFile f = new CloudTrailReader(null, (source, name) -> !name.equals("ListUsers")).read(p, out::add);
    assertThat(out).extracting(r -> r.get("eventID").asText()).containsExactly("e1");
    assertThat(f.problem()).contains("repeats \"eventName\" after its details").contains("1 records before it");
  }
}
