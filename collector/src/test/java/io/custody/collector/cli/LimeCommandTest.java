package io.custody.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.CliRun;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code custody lime inspect} and {@code install-document --print} through the real command line. */
class LimeCommandTest {

  static final Path CORPUS = Corpus.path("memory");

  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void inspect_realLimeFile_rangesAndExit0() {
    CliRun r = run("lime", "inspect", CORPUS.resolve("memflow-lime/deb-x86_64-slice.lime").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("0x1000", "0x9ffff", "651264 bytes of RAM declared", "LIME OK");
  }

  @Test
  void inspect_againstRealIomem_missingRangesExit1() throws Exception {
    CliRun r = run("lime", "inspect", CORPUS.resolve("memflow-lime/deb-x86_64-slice.lime").toString(),
        "--iomem", CORPUS.resolve("avml-iomem/iomem.txt").toString(), "--json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode j = Json.mapper().readTree(r.out());
    assertThat(j.path("clean").asBoolean()).isFalse();
    // iomem.txt: 0x1000-0x9fbff, 0x100000-0x3ffeffff, 0x100000000-0x19fffffff; the slice holds 0x1000-0x9ffff
    assertThat(j.path("ram_findings").findValuesAsText("kind")).containsExactly("range-mismatch", "missing-range", "missing-range");
  }

  @Test
  void inspect_truncatedCopy_exit1NamesTheOffset() throws Exception {
    byte[] all = Files.readAllBytes(CORPUS.resolve("memflow-lime/deb-x86_64-slice.lime"));
    Path cut = Files.write(tmp.resolve("cut.lime"), Arrays.copyOf(all, 100_000));
    CliRun r = run("lime", "inspect", cut.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("[truncated-data] offset 100000", "LIME PROBLEMS");
  }

  @Test
  void inspect_missingFile_usageError() {
    assertThat(run("lime", "inspect", tmp.resolve("nope.lime").toString()).exit()).isEqualTo(2);
  }

  @Test
  void installDocumentPrint_schema22RunShellScript() throws Exception {
    CliRun r = run("lime", "install-document", "--print");
    assertThat(r.exit()).isZero();
    JsonNode doc = Json.mapper().readTree(r.out());
    assertThat(doc.path("schemaVersion").asText()).isEqualTo("2.2");
    assertThat(doc.path("mainSteps").get(0).path("action").asText()).isEqualTo("aws:runShellScript");
  }
}
