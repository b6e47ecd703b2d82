package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader skips the details (error message, request, response, additional data) of calls no
 * rule, correlation or summary reads them for. Checked against reading every record whole: the
 * same report.
 */
class SkippedDetailsTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  private static String report(Path input, boolean everyDetail) {
    CloudTrailAnalysis a = new CloudTrailAnalysis(CLOCK);
    if (everyDetail) {
      a.everyDetail();
    }
    return new String(Json.write(a.run(List.of(input))), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void stratusCorpus_sameReportAsReadingEveryRecordWhole() {
    Path logs = StratusCorpusTest.DIR.resolve("detonation-logs");
    String skipped = report(logs, false);
    assertThat(skipped).isEqualTo(report(logs, true));
    assertThat(skipped).contains("snapshot-shared", "ec2-unusual-instances");
  }
}
