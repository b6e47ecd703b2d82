package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ground truth: the Stratus Red Team detonations. Every record that labels.csv marks malicious is
 * flagged by a built-in finding or a Sigma rule; how many noise records are flagged is reported.
 */
class StratusCorpusTest {

  static final Path DIR = Corpus.path("cloudtrail/stratus-red-team");
  static CloudTrailReport report;
  static Set<String> malicious = new HashSet<>();
  static Set<String> noise = new HashSet<>();
  static Map<String, String> what = new HashMap<>();

  @BeforeAll
  static void analyse() throws Exception {
    report = new CloudTrailAnalysis(Clock.systemUTC()).run(List.of(DIR.resolve("detonation-logs")));
    List<String> lines = Files.readAllLines(DIR.resolve("labels.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", 6);
      Set<String> names = Set.of(f[4].split(";"));
      for (JsonNode r : Json.mapper().readTree(DIR.resolve(f[0]).toFile())) {
        String id = r.get("eventID").asText();
        (names.contains(r.get("eventName").asText()) ? malicious : noise).add(id);
        what.put(id, f[1] + " " + r.get("eventName").asText());
      }
    }
  }

  private static Set<String> flagged(String source) {
    Set<String> out = new HashSet<>();
    for (CloudTrailFinding f : report.findings()) {
      if (source == null || f.source().equals(source)) {
        out.addAll(f.eventIds());
      }
    }
    return out;
  }

  @Test
  void everyFile_readCleanly() {
    assertThat(report.inputs()).hasSize(35);
    assertThat(report.problems()).isEmpty();
    assertThat(report.recordsRead()).isEqualTo(310);
    assertThat(malicious).hasSize(129);
    assertThat(noise).hasSize(181);
  }

  @Test
  void everyMaliciousRecord_flagged() {
    Set<String> all = flagged(null);
    List<String> missed = new ArrayList<>();
    for (String id : malicious) {
      if (!all.contains(id)) {
        missed.add(what.get(id) + " " + id);
      }
    }
    Set<String> builtin = flagged("builtin");
    Set<String> sigma = flagged("sigma");
    long noiseFlagged = noise.stream().filter(all::contains).count();
    System.out.printf("stratus: %d/%d malicious flagged (built-in %d, sigma %d); noise flagged %d/%d (built-in %d, sigma %d)%n",
        malicious.stream().filter(all::contains).count(), malicious.size(),
        malicious.stream().filter(builtin::contains).count(), malicious.stream().filter(sigma::contains).count(),
        noiseFlagged, noise.size(), noise.stream().filter(builtin::contains).count(), noise.stream().filter(sigma::contains).count());
    assertThat(missed).as("malicious records no finding or Sigma rule flags").isEmpty();
    // the built-in findings alone flag them all too (the Sigma rules must not hide a built-in rule that misses its calls)
    assertThat(malicious.stream().filter(id -> !builtin.contains(id)).map(what::get).toList()).as("malicious records no built-in finding flags")
        .isEmpty();
  }

  @Test
  void keyTechniques_haveTheirBuiltinFinding() {
    Map<String, String> expect = Map.of(
        "iam-access-key-created", "CreateAccessKey",
        "snapshot-shared", "ModifySnapshotAttribute",
        "cloudtrail-tampering", "StopLogging",
        "lambda-public-permission", "AddPermission20150331v2",
        "organization-left", "LeaveOrganization",
        "console-login-without-mfa", "ConsoleLogin",
        "ec2-unusual-instances", "RunInstances",
        "instance-credentials-elsewhere", "GetCallerIdentity",
        "logging-removed", "DeleteResolverQueryLogConfig");
    for (var e : expect.entrySet()) {
      assertThat(report.findings()).as(e.getKey()).anySatisfy(f -> {
        assertThat(f.ruleId()).isEqualTo(e.getKey());
        assertThat(f.eventNames()).contains(e.getValue());
        assertThat(f.eventIds()).isNotEmpty();
      });
    }
  }

  @Test
  void summaries_perPrincipalAndKey() {
    ActivitySummary christophe = report.principals().stream().filter(p -> p.key().endsWith(":user/christophe")).findFirst().orElseThrow();
    assertThat(christophe.events()).isGreaterThan(10);
    assertThat(christophe.accessKeys()).isNotEmpty();
    assertThat(christophe.apiCalls()).isNotEmpty();
    assertThat(report.accessKeys()).isNotEmpty().allSatisfy(k -> assertThat(k.principals()).isNotEmpty());
  }
}
