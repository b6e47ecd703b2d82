package io.custody.analyzer.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.custody.evidence.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The SigmaHQ AWS CloudTrail rules of the corpus: every rule loads or is skipped with a reason, and
 * every loaded rule fires on an event built from its own detection and stays quiet on near misses.
 */
class SigmaCorpusTest {

  private static final Path RULES = Corpus.path("cloudtrail/sigma-aws-rules/rules");
  private static final Path UNSUPPORTED = Corpus.path("cloudtrail/sigma-aws-rules/unsupported");

  private static long ymlCount(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yml")).count();
    }
  }

  @Test
  void load_everyCorpusRule_loadsOrIsSkippedWithReason() throws Exception {
    SigmaRules rules = SigmaRules.load(RULES);
    SigmaRules unsupported = SigmaRules.load(UNSUPPORTED);
    assertThat(rules.loaded().size() + rules.skipped().size()).isEqualTo(ymlCount(RULES));
    assertThat(unsupported.loaded().size() + unsupported.skipped().size()).isEqualTo(ymlCount(UNSUPPORTED));
    for (SkippedRule s : rules.skipped()) {
      assertThat(s.reason()).as(s.file()).isNotBlank();
    }
    // SigmaHQ's own "unsupported" folder: correlations and placeholders, none of which a per-event engine may claim.
    assertThat(unsupported.loaded()).isEmpty();
    assertThat(unsupported.skipped()).allSatisfy(s -> assertThat(s.reason()).matches(".*(timeframe|aggregation|expand).*"));
    System.out.printf("sigma corpus: %d of %d rules loaded, %d skipped%n", rules.loaded().size(), ymlCount(RULES), rules.skipped().size());
    rules.skipped().forEach(s -> System.out.println("  skipped " + s.file() + ": " + s.reason()));
    unsupported.skipped().forEach(s -> System.out.println("  skipped unsupported/" + s.file() + ": " + s.reason()));
    assertThat(rules.loaded()).hasSize((int) ymlCount(RULES));
  }

  @Test
  void bundled_isTheCorpusCopy() {
    SigmaRules bundled = SigmaRules.bundled();
    List<String> corpus = new ArrayList<>(SigmaRules.load(RULES).loaded().stream().map(SigmaRule::file).toList());
    assertThat(bundled.loaded().stream().map(SigmaRule::file)).containsExactlyInAnyOrderElementsOf(corpus);
    assertThat(bundled.skipped()).hasSize(9);
    assertThat(bundled.source()).contains("SigmaHQ/sigma@");
  }

  @TestFactory
  Stream<DynamicTest> eachLoadedRule_firesOnItsExample_quietOnNearMisses() throws Exception {
    SigmaRules rules = SigmaRules.load(RULES);
    SigmaEngine engine = new SigmaEngine(rules.loaded());
    YAMLMapper yaml = new YAMLMapper();
    java.util.function.Predicate<String> readsDetails = engine.namesReading(io.custody.analyzer.cloudtrail.CloudTrailReader.DETAIL_KEYS).orElseThrow();
    List<DynamicTest> tests = new ArrayList<>();
    for (SigmaRule rule : rules.loaded()) {
      JsonNode detection = yaml.readTree(RULES.resolve(rule.file()).toFile()).get("detection");
      tests.add(DynamicTest.dynamicTest(rule.file(), () -> {
        RuleExamples ex = new RuleExamples(detection, rule.detection().condition());
        RuleExamples.Example hit = ex.matching().orElseThrow(() -> new AssertionError("no matching example could be built for " + rule.file()));
        assertThat(engine.matches(hit.event())).as("fires on %s (built for %s)", hit.event(), hit.assignment()).contains(rule);
        List<RuleExamples.Example> misses = ex.nearMisses(3);
        assertThat(misses).as("near misses of " + rule.file()).isNotEmpty();
        for (RuleExamples.Example miss : misses) {
          assertThat(engine.matches(miss.event())).as("quiet on %s (built for %s)", miss.event(), miss.assignment()).doesNotContain(rule);
        }
        // the reader skips the request and response of events whose name no rule reading them could match: same verdicts without them
        for (RuleExamples.Example ex2 : concat(hit, misses)) {
          JsonNode name = ex2.event().get("eventName");
          if (name != null && name.isTextual() && !readsDetails.test(name.asText())) {
            com.fasterxml.jackson.databind.node.ObjectNode stripped = ex2.event().deepCopy();
            stripped.remove(io.custody.analyzer.cloudtrail.CloudTrailReader.DETAIL_KEYS);
            assertThat(engine.matches(stripped)).as("without its request and response: %s", ex2.event()).isEqualTo(engine.matches(ex2.event()));
          }
        }
      }));
    }
    return tests.stream();
  }

  private static List<RuleExamples.Example> concat(RuleExamples.Example first, List<RuleExamples.Example> rest) {
    List<RuleExamples.Example> all = new ArrayList<>(rest);
    all.add(0, first);
    return all;
  }
}
