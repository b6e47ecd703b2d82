package io.custody.analyzer.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.analyzer.cloudtrail.CloudTrailAnalysis;
import io.custody.analyzer.disk.DiskAnalysis;
import io.custody.analyzer.testing.Cases;
import io.custody.evidence.Json;
import io.custody.evidence.custody.AwsCall;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaseReportTest {

  @TempDir
  Path tmp;

  @Test
  void run_caseWithContainmentDiskCloudTrailAndForeignMemoryJson_oneSelfContainedPage() throws Exception {
    Case kase = Cases.open(tmp.resolve("home"), "IR-REPORT-1");
    CustodyEntry intent = kase.log().begin(Event.of("contained").object(CustodyObject.source("i-0abc1234567890def", "instance"))
        .aws(new AwsCall("ModifyInstanceAttribute", "eu-west-1", "req-1111")).notes("isolate: quarantine security group"));
    kase.log().complete(intent, Event.of("contained").notes("isolated"), Outcome.SUCCEEDED);
    Item disk = Cases.addDisk(kase, Corpus.path("disk/dfvfs/imynd.dd"), "vol-0abc1234567890def", Compression.ZSTD, 1 << 20);
    new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("w")).run(kase, disk.id());
    new CloudTrailAnalysis(Clock.systemUTC()).runInto(kase, List.of(Corpus.path("cloudtrail/stratus-red-team/detonation-logs")), tmp.resolve("w"));
    String memory = "{\"kind\":\"memory-summary\",\"kernel\":\"Linux version 6.1.0-18-amd64\",\"ranges\":[1,2],"
        + "\"findings\":[{\"rule\":\"yara:<script>alert(1)</script>\",\"severity\":\"HIGH\",\"offset\":\"0x1000\",\"description\":\"miner strings\"}]}";
    byte[] m = memory.getBytes(StandardCharsets.UTF_8);
    kase.add(ItemSpec.of(ItemType.ANALYSIS, "i-0abc1234567890def", "memory-analysis.json"), new ByteArrayInputStream(m), m.length, ProgressListener.NONE);

    CaseReport.Result r = new CaseReport(Clock.systemUTC()).run(kase, tmp.resolve("w"));

    String html = Files.readString(CaseReport.file(kase, r.html()));
    assertThat(html).contains("IR-REPORT-1", "isolate: quarantine security group", "ModifyInstanceAttribute req-1111", disk.hashes().sha256().hex(),
        "<svg", "instance-credentials-elsewhere", "(Sigma aws_cloudtrail_disable_logging.yml, by ", "memory-summary", "Linux version 6.1.0-18-amd64", "chain intact");
    assertThat(html).doesNotContain("<script").contains("yara:&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html).doesNotContainPattern("(src|href)\\s*=").doesNotContain("@import").doesNotContain("url(");
    JsonNode json = Json.mapper().readTree(CaseReport.file(kase, r.json()).toFile());
    assertThat(json.get("kind").asText()).isEqualTo("custody.report");
    assertThat(json.get("containment")).hasSize(2);
    assertThat(json.get("custody").get("open_actions")).as("the report's own run is not an unfinished action").isEmpty();
    assertThat(json.get("acquisitions")).hasSize(1);
    assertThat(json.get("findings")).anySatisfy(f -> assertThat(f.get("source").asText()).isEqualTo("memory-summary"))
        .anySatisfy(f -> assertThat(f.get("source").asText()).isEqualTo("cloudtrail"))
        .anySatisfy(f -> assertThat(f.get("severity").asText()).isEqualTo("high"));
    assertThat(r.html().type()).isEqualTo(ItemType.ANALYSIS);
    assertThat(kase.log().verify().intact()).isTrue();
    List<CustodyEntry> analysed = kase.log().verify().entries().stream().filter(e -> e.event().equals("analysed")).toList();
    assertThat(analysed).extracting(CustodyEntry::outcome).containsExactly(Outcome.INTENT, Outcome.SUCCEEDED, Outcome.INTENT, Outcome.SUCCEEDED,
        Outcome.INTENT, Outcome.SUCCEEDED);
  }

  /** A memory analysis Volatility read: the process tree (kernel threads folded), the flagged process and its connection. */
  @Test
  void run_memoryAnalysisWithKernelView_processTreeAndConnections() throws Exception {
    Case kase = Cases.open(tmp.resolve("home"), "IR-REPORT-3");
    String memory = """
        {"kind":"custody.memory-analysis","item_id":"item-001","source_id":"i-0abc1234567890def","kernel":{"status":"ok",
         "processes":[{"pid":1,"ppid":0,"comm":"systemd","args":"/sbin/init"},{"pid":2,"ppid":0,"comm":"kthreadd","args":"[kthreadd]","kernel_thread":true},
          {"pid":3,"ppid":2,"comm":"rcu_gp","args":"[rcu_gp]","kernel_thread":true},
          {"pid":134,"ppid":1,"comm":"bash","args":"[kworker/u4:2] /var/tmp/.x/kworker.sh","exe":"/bin/bash","uid":0}],
         "sockets":[{"pid":134,"process":"bash","family":"AF_INET","proto":"TCP","source":"10.0.1.12","source_port":"39120",
          "destination":"203.0.113.9","destination_port":"3333","state":"ESTABLISHED"},
          {"pid":1,"process":"systemd","family":"AF_UNIX","source":"/run/systemd/notify"}],
         "modules":[{"name":"custody_hideme","address":"0xffffffffc0a00000","hidden":true}]},
         "findings":[{"rule_id":"memory-process-disguised","severity":"high","address":"pid 134 (bash)","reason":"disguised"}]}
        """;
    byte[] m = memory.getBytes(StandardCharsets.UTF_8);
    kase.add(ItemSpec.of(ItemType.ANALYSIS, "item-001", "memory-analysis.json"), new ByteArrayInputStream(m), m.length, ProgressListener.NONE);

    CaseReport.Result r = new CaseReport(Clock.systemUTC()).run(kase, tmp.resolve("w"));

    String html = Files.readString(CaseReport.file(kase, r.html()));
    assertThat(html).contains("<h2>Memory of i-0abc1234567890def</h2>", "Process tree", "(and 1 kernel threads)", "custody_hideme at 0xffffffffc0a00000")
        .contains("<tr class=\"bad\"><td>134</td><td>&nbsp;&nbsp;└ bash", "203.0.113.9:3333").doesNotContain("rcu_gp").doesNotContain("/run/systemd/notify");
    JsonNode view = Json.mapper().readTree(CaseReport.file(kase, r.json()).toFile()).get("memory").get(0);
    assertThat(view.get("processes")).hasSize(4);
    assertThat(view.get("connections")).singleElement().satisfies(c -> {
      assertThat(c.get("remote").asText()).isEqualTo("203.0.113.9:3333");
      assertThat(c.get("flagged").asBoolean()).isTrue();
    });
  }

  /** Analysing again, and reporting again: each finding counted once, from the newest run; the earlier runs listed as superseded. */
  @Test
  void run_analysesRunTwice_findingsCountedOnceFromTheNewest() throws Exception {
    Case kase = Cases.open(tmp.resolve("home"), "IR-REPORT-2");
    Item disk = Cases.addDisk(kase, Corpus.path("disk/dfvfs/imynd.dd"), "vol-0abc1234567890def", Compression.ZSTD, 1 << 20);
    List<Path> trail = List.of(Corpus.path("cloudtrail/stratus-red-team/detonation-logs"));
    new CloudTrailAnalysis(Clock.systemUTC()).runInto(kase, trail, tmp.resolve("w"));
    new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("w")).run(kase, disk.id());
    JsonNode once = Json.mapper().readTree(CaseReport.file(kase, new CaseReport(Clock.systemUTC()).run(kase, tmp.resolve("w")).json()).toFile());
    new CloudTrailAnalysis(Clock.systemUTC()).runInto(kase, trail, tmp.resolve("w"));
    new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("w")).run(kase, disk.id());
    JsonNode twice = Json.mapper().readTree(CaseReport.file(kase, new CaseReport(Clock.systemUTC()).run(kase, tmp.resolve("w")).json()).toFile());

    assertThat(once.get("findings").size()).isGreaterThan(3);
    assertThat(twice.get("findings").size()).isEqualTo(once.get("findings").size());
    // the same analyses, plus the first report's report.html and report.json
    assertThat(twice.get("summary").get("analyses").asLong()).isEqualTo(once.get("summary").get("analyses").asLong() + 2);
    List<String> newestItems = new java.util.ArrayList<>();
    twice.get("findings").forEach(f -> newestItems.add(f.get("item").asText()));
    List<String> superseded = new java.util.ArrayList<>();
    twice.get("analyses").forEach(a -> {
      if (a.has("superseded_by")) {
        superseded.add(a.get("item").asText());
        assertThat(a.get("superseded_by").asText()).isNotEqualTo(a.get("item").asText());
      }
    });
    // the first CloudTrail and disk runs, and the first report's two files
    assertThat(superseded).hasSizeGreaterThanOrEqualTo(4);
    assertThat(newestItems).doesNotContainAnyElementsOf(superseded);
    assertThat(kase.items()).hasSizeGreaterThan(superseded.size());
  }
}
