package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reader skips the request, response and additional data of calls no rule, correlation or
 * summary reads them for. Checked against reading every record whole: the same report.
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

  /** Each built-in rule fires only on the calls it names, so skipping the others' data cannot hide a finding. */
  @Test
  void builtinRules_fireOnlyOnTheCallsTheyName() throws Exception {
    List<Rec> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(StratusCorpusTest.DIR.resolve("detonation-logs"))) {
      for (Path f : files.sorted().toList()) {
        for (JsonNode r : Json.mapper().readTree(f.toFile())) {
          events.add(new Rec(r));
        }
      }
    }
    int fired = 0;
    for (Rec e : events) {
      for (BuiltinRules.EventRule r : BuiltinRules.RULES) {
        if (r.when().test(e)) {
          fired++;
          assertThat(r.on().test(e.source, e.name)).as("%s on %s:%s", r.id(), e.source, e.name).isTrue();
          assertThat(BuiltinRules.ON.test(e.source, e.name)).isTrue();
        }
      }
    }
    assertThat(fired).isGreaterThan(100);
  }
}
