package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/lab}, the README's first command, end to end: the incident built in the emulator,
 * the whole mission run with bin/custody (memory from the QEMU guest when QEMU is installed, which
 * scripts/setup does), the case sealed and verified. The lab checks its own ground truth; this test
 * checks it again, item by item, and independently: against the sealed bundle as a third party
 * receives it, read with tar, openssl, sha256sum, zstd and a JSON parser only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabIT {

  Path out;
  Path bundle;
  JsonNode summary;
  JsonNode truth;
  JsonNode manifest;
  Run lab;

  @BeforeAll
  void runTheLab(@TempDir Path tmp) throws Exception {
    out = tmp.resolve("lab");
    lab = Run.of(Cli.REPO, Map.of(), List.of(Cli.REPO.resolve("scripts/lab").toString(), "--keep", out.toString(), "--json"));
    System.out.println("scripts/lab exit " + lab.exit() + "\n" + lab.err());
    summary = Json.mapper().readTree(lab.out());
    truth = Json.mapper().readTree(out.resolve("lab-truth.json").toFile());
    Path x = Files.createDirectories(tmp.resolve("received"));
    try (Stream<Path> s = Files.list(out)) {
      bundle = s.filter(p -> p.getFileName().toString().endsWith(".evb.tar")).findFirst().orElseThrow(() -> new AssertionError("no bundle in " + out));
    }
    ok(Run.of(x, "tar", "-xf", bundle.toString()));
    try (Stream<Path> s = Files.list(x)) {
      bundleDir = s.findFirst().orElseThrow();
    }
    manifest = Json.mapper().readTree(bundleDir.resolve("manifest.json").toFile());
  }

  Path bundleDir;

  @Test
  void lab_exitsZero_everyOwnCheckPassed() {
    assertThat(lab.exit()).as(lab.err()).isZero();
    assertThat(summary.path("ok").asBoolean()).isTrue();
    List<String> failed = new ArrayList<>();
    summary.path("checks").forEach(c -> {
      if (!c.path("ok").asBoolean()) {
        failed.add(c.path("what").asText() + ": " + c.path("detail").asText());
      }
    });
    assertThat(failed).isEmpty();
    assertThat(summary.path("checks").size()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void bundle_signatureAndEveryFile_checkedWithOpensslAndSha256sum() {
    Path cert = out.resolve("keys/examiner.cert.pem");
    ok(Run.of(bundleDir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "SHA256SUMS.p7s", "-content", "SHA256SUMS",
        "-CAfile", cert.toString(), "-purpose", "any", "-out", "/dev/null"));
    ok(Run.of(bundleDir, "sha256sum", "--strict", "--quiet", "-c", "SHA256SUMS"));
  }

  @Test
  void bundle_custodyLog_chainedOverTheExactBytes() throws Exception {
    List<Path> entries;
    try (Stream<Path> s = Files.list(bundleDir.resolve("custody"))) {
      entries = s.sorted().toList();
    }
    assertThat(entries).hasSizeGreaterThan(20);
    String prev = null;
    for (int i = 0; i < entries.size(); i++) {
      byte[] bytes = Files.readAllBytes(entries.get(i));
      JsonNode e = Json.mapper().readTree(bytes);
      assertThat(e.path("seq").asLong()).as(entries.get(i).toString()).isEqualTo(i + 1);
      if (prev != null) {
        assertThat(e.path("prev_sha256").asText()).as(entries.get(i).toString()).isEqualTo(prev);
      }
      prev = sha256(bytes);
    }
  }

  @Test
  void disk_theVolumeInTheBundle_isTheSnapshotTheLabWrote() throws Exception {
    JsonNode item = item(truth.path("ir_snapshot").asText(), "disk");
    assertThat(item.path("hashes").path("sha256").asText()).isEqualTo(truth.path("ir_sha256").asText());
    assertThat(item.path("size").asLong()).isEqualTo(truth.path("ir_volume_bytes").asLong());
    // concatenated and decompressed by zstd, as VERIFY.txt does: the lab's own hash of what it wrote
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "zstd -dcq \"$@\" | sha256sum", "zstd"));
    item.path("segments").forEach(s -> cmd.add(bundleDir.resolve(item.path("dir").asText()).resolve(s.path("file").asText()).toString()));
    Run r = ok(Run.of(bundleDir, Map.of(), cmd));
    assertThat(r.out()).startsWith(truth.path("ir_sha256").asText());
  }

  @Test
  void disk_everyPlantedItem_foundNoLookAlike() throws Exception {
    JsonNode report = analysis("disk-findings.json");
    List<String> found = new ArrayList<>();
    report.path("findings").forEach(f -> found.add(f.path("rule_id").asText() + " " + f.path("path").asText()));
    SoftAssertions soft = new SoftAssertions();
    truth.path("planted").forEach(p -> soft.assertThat(found).as("planted %s", p).contains(p.get(0).asText() + " " + p.get(1).asText()));
    truth.path("clean").forEach(c -> soft.assertThat(found).as("look-alike %s", c).noneMatch(f -> f.endsWith(" " + c.asText())));
    soft.assertAll();
  }

  @Test
  void cloudtrail_everyAttackerAction_namedByAFinding() throws Exception {
    JsonNode report = analysis("cloudtrail-analysis.json");
    Map<String, List<String>> byEvent = new HashMap<>();
    report.path("findings").forEach(f -> f.path("event_ids").forEach(e -> byEvent.computeIfAbsent(e.asText(), k -> new ArrayList<>())
        .add(f.path("rule_id").asText())));
    assertThat(truth.path("attacker_actions").size()).isEqualTo(6);
    SoftAssertions soft = new SoftAssertions();
    truth.path("attacker_actions").forEach(a -> soft.assertThat(byEvent).as("%s (%s %s)", a.path("action").asText(),
        a.path("eventName").asText(), a.path("eventID").asText()).containsKey(a.path("eventID").asText()));
    soft.assertAll();
    assertThat(report.path("records_read").asLong()).isEqualTo(truth.path("cloudtrail_records").asLong());
    JsonNode leaked = null;
    for (JsonNode k : report.path("access_keys")) {
      if (k.path("key").asText().equals(truth.path("leaked_key").asText())) {
        leaked = k;
      }
    }
    assertThat(leaked).as("the leaked key's summary").isNotNull();
    assertThat(leaked.path("source_ips").has(truth.path("attacker_ip").asText())).isTrue();
  }

  @Test
  void sweep_backdoorUserKeyMinersAndSharedSnapshot_inTheMetadataItems() throws Exception {
    StringBuilder all = new StringBuilder();
    for (JsonNode i : manifest.path("items")) {
      if (i.path("type").asText().equals("metadata") && i.path("name").asText().startsWith("sweep-")) {
        all.append(Files.readString(stored(i)));
      }
    }
    assertThat(all).contains("\"" + truth.path("backdoor_user").asText() + "\"", "\"" + truth.path("backdoor_key").asText() + "\"",
        "\"" + truth.path("other_account").asText() + "\"");
    truth.path("miner_instances").forEach(m -> assertThat(all).contains("\"" + m.asText() + "\""));
  }

  @Test
  void memory_capturedVerifiedAndMinerFound_whenQemuIsInstalled() throws Exception {
    boolean qemu = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-x86_64")));
    if (!qemu) {
      assertThat(summary.path("steps").toString()).contains("QEMU is not installed");
      return;
    }
    JsonNode item = item(truth.path("victim").asText(), "memory");
    String hostSha = Files.readString(bundleDir.resolve(item.path("dir").asText()).resolve("memory.lime.host-sha256")).strip();
    assertThat(hostSha).startsWith(item.path("hashes").path("sha256").asText());
    JsonNode report = analysis("memory-analysis.json");
    List<String> rules = new ArrayList<>();
    report.path("yara").forEach(m -> rules.add(m.path("rule").asText()));
    assertThat(rules).contains("lab_xmrig_pool_config");
    List<String> banners = new ArrayList<>();
    report.path("banners").forEach(b -> banners.add(b.path("text").asText()));
    assertThat(banners).contains(truth.path("guest_banner").asText());
  }

  @Test
  void report_listsEveryPlantedItemAndAttackerAction() throws Exception {
    JsonNode report = analysis("report.json");
    List<String> listed = new ArrayList<>();
    report.path("findings").forEach(f -> listed.add(f.path("rule").asText() + " " + f.path("where").asText()));
    String all = report.path("findings").toString();
    SoftAssertions soft = new SoftAssertions();
    truth.path("planted").forEach(p -> soft.assertThat(listed).as("planted %s", p)
        .anyMatch(l -> l.startsWith(p.get(0).asText() + " ") && l.endsWith(p.get(1).asText())));
    truth.path("attacker_actions").forEach(a -> soft.assertThat(all).as("%s", a.path("action").asText()).contains(a.path("eventID").asText()));
    soft.assertAll();
    assertThat(report.path("custody").path("intact").asBoolean()).isTrue();
  }

  // ---- helpers ----

  private JsonNode item(String sourceId, String type) {
    for (JsonNode i : manifest.path("items")) {
      if (i.path("source_id").asText().equals(sourceId) && i.path("type").asText().equals(type)) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " item of " + sourceId + " in the bundle's manifest");
  }

  private JsonNode analysis(String name) throws IOException {
    for (JsonNode i : manifest.path("items")) {
      if (i.path("type").asText().equals("analysis") && i.path("name").asText().equals(name)) {
        return Json.mapper().readTree(stored(i).toFile());
      }
    }
    throw new AssertionError("no analysis item " + name + " in the bundle's manifest");
  }

  /** The one stored file of a small uncompressed item. */
  private Path stored(JsonNode item) {
    assertThat(item.path("compression").asText()).as(item.toString()).isEqualTo("none");
    assertThat(item.path("segments").size()).isEqualTo(1);
    return bundleDir.resolve(item.path("dir").asText()).resolve(item.path("segments").get(0).path("file").asText());
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  private static String sha256(byte[] b) {
    MessageDigest d = HashAlgorithm.SHA256.newDigest();
    return HexFormat.of().formatHex(d.digest(b));
  }
}
