package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI contract end to end, through bin/custody and bin/custody-verify as an analyst and a
 * lawyer run them, with the bundle then checked by the real openssl, sha256sum, zstd, tar and
 * case_validate, and by the commands of its own VERIFY.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BundleCliIT {

  Path tmp;
  Cli cli;
  Path keys;
  Path bundle;
  Path extracted;
  JsonNode status;

  @BeforeAll
  void sealACaseThroughTheCli(@TempDir Path dir) throws Exception {
    tmp = dir;
    cli = new Cli(tmp.resolve("home"));
    keys = tmp.resolve("keys");
    ok(cli.custody("keys", "init", "--dir", keys.toString(), "--subject", "CN=Jane Doe,O=ACME IR", "--algorithm", "ec-p384"));
    ok(cli.custody("case", "open", "--case", "IR-2026-042", "--examiner", "Jane Doe", "--org", "ACME IR", "--description", "web-1 compromise"));
    Path disk = Files.write(tmp.resolve("disk.img"), Fixtures.data((5 << 20) / 2, 99));
    Run add = ok(cli.custody("case", "add", "--case", "IR-2026-042", "--type", "disk", "--source-id", "vol-0abc1234567890def", "--md5", "--sha1",
        "--segment-size", "1M", "--json", disk.toString()));
    JsonNode item = Json.mapper().readTree(add.out());
    assertThat(item.get("segments")).hasSize(3);
    Path meta = Files.writeString(tmp.resolve("instance.json"), "{\"InstanceId\": \"i-0abc1234567890def\"}\n");
    ok(cli.custody("case", "add", "--case", "IR-2026-042", "--type", "metadata", "--source-id", "i-0abc1234567890def", meta.toString()));
    status = Json.mapper().readTree(ok(cli.custody("case", "status", "--case", "IR-2026-042", "--json")).out());
    bundle = tmp.resolve("IR-2026-042.tar");
    ok(cli.custody("seal", "--case", "IR-2026-042", "--key", keys.resolve("examiner.key.pem").toString(), "--cert",
        keys.resolve("examiner.cert.pem").toString(), "--out", bundle.toString()));
    extracted = Fixtures.extract(bundle, tmp.resolve("extracted"));
  }

  private static Run ok(Run r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  private String cert() {
    return keys.resolve("examiner.cert.pem").toString();
  }

  @Test
  @Order(1)
  void status_showsItemsAndAnIntactLog() {
    assertThat(status.get("items")).hasSize(2);
    assertThat(status.get("custody").get("intact").asBoolean()).isTrue();
    assertThat(status.get("custody").get("open_actions")).isEmpty();
  }

  @Test
  void verify_tarAndFolder_bothCommands_exit0() throws Exception {
    JsonNode r = Json.mapper().readTree(ok(cli.custody("verify", bundle.toString(), "--trust", cert(), "--json")).out());
    assertThat(r.get("ok").asBoolean()).isTrue();
    assertThat(r.get("findings")).isEmpty();
    assertThat(r.get("signer").get("subject").asText()).isEqualTo("CN=Jane Doe,O=ACME IR");
    ok(cli.custodyVerify(bundle.toString(), "--trust", cert()));
    ok(cli.custodyVerify(extracted.toString(), "--trust", cert()));
    // The lawyer's form: the one jar, nothing else.
    ok(cli.run("java", "-jar", Cli.verifyJar().toString(), bundle.toString(), "--trust", cert()));
  }

  @Test
  void verifyJar_holdsNoAwsClasses() throws Exception {
    try (ZipFile z = new ZipFile(Cli.verifyJar().toFile())) {
      assertThat(z.stream().map(e -> e.getName()).filter(n -> n.startsWith("software/amazon"))).isEmpty();
      assertThat(z.getEntry("io/custody/evidence/cli/VerifyMain.class")).isNotNull();
    }
  }

  @Test
  void opensslCmsVerify_acceptsTheSignature() {
    ok(Run.of(extracted, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "SHA256SUMS.p7s", "-content", "SHA256SUMS",
        "-CAfile", cert(), "-purpose", "any", "-out", "/dev/null"));
  }

  @Test
  void sha256sum_checksEverySealedFile() {
    Run r = ok(Run.of(extracted, "sha256sum", "--strict", "-c", "SHA256SUMS"));
    assertThat(r.out()).contains("data/disk/vol-0abc1234567890def/image.raw.zst.000003: OK");
  }

  @Test
  void zstdConcatenation_reproducesTheRawHash() throws Exception {
    Path dir = extracted.resolve("data/disk/vol-0abc1234567890def");
    Run r = ok(Run.of(dir, Map.of(), List.of("sh", "-c", "cat image.raw.zst.0* | zstd -dcq | sha256sum")));
    String recorded = Files.readString(dir.resolve("image.raw.sha256")).substring(0, 64);
    assertThat(r.out()).startsWith(recorded);
    String md5 = ok(Run.of(dir, Map.of(), List.of("sh", "-c", "cat image.raw.zst.0* | zstd -dcq | md5sum"))).out();
    assertThat(md5).startsWith(Files.readString(dir.resolve("image.raw.md5")).substring(0, 32));
  }

  @Test
  void verifyTxt_runByHand_passes() {
    Run r = ok(Run.of(extracted, Map.of("TRUST", cert()), List.of("sh", "VERIFY.txt")));
    assertThat(r.out()).contains("VERIFIED");
  }

  @Test
  void verifyTxt_onATamperedCopy_fails() throws Exception {
    Path copy = Fixtures.extract(bundle, tmp.resolve("tampered"));
    Fixtures.makeWritable(copy);
    Path entry = copy.resolve("custody/000002.json");
    Files.writeString(entry, Files.readString(entry).replace("\"acquired\"", "\"acquirex\""));
    Run r = Run.of(copy, Map.of("TRUST", cert()), List.of("sh", "VERIFY.txt"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).doesNotContain("VERIFIED");
    Run v = cli.custodyVerify(copy.toString(), "--trust", cert());
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.out()).contains("[file-hash] custody/000002.json", "[custody-chain] custody/000003.json");
  }

  @Test
  void caseValidate_acceptsTheUcoExport() {
    Run r = ok(Run.of(extracted, Cli.venvTool("case_validate"), "case/case-uco.jsonld"));
    assertThat(r.out()).contains("Conforms: True");
  }

  @Test
  void exitCodes_followStyleMd() throws Exception {
    assertThat(cli.custody("case", "status", "--case", "no-such-case").exit()).isEqualTo(2);
    assertThat(cli.custody("case", "open").exit()).isEqualTo(2);
    assertThat(cli.custody("frobnicate").exit()).isEqualTo(2);
    assertThat(cli.custody("verify", tmp.resolve("missing.tar").toString(), "--trust", cert()).exit()).as("a bundle that is not there is a usage error").isEqualTo(2);
    Run seal = cli.custody("seal", "--case", "IR-2026-042", "--key", keys.resolve("examiner.key.pem").toString(), "--cert", cert(), "--out", bundle.toString());
    assertThat(seal.exit()).as("never overwrites a bundle").isEqualTo(2);
    assertThat(seal.err()).contains("never overwritten");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("examiner.key.pem")))).isEqualTo("rw-------");
  }

  @Test
  void hash_matchesCoreutils() throws Exception {
    Path f = Files.write(tmp.resolve("h.bin"), Fixtures.data(3_000_000, 5));
    Run r = ok(cli.custody("hash", f.toString(), "--md5", "--sha1", "--piece-size", "1M", "--json"));
    JsonNode j = Json.mapper().readTree(r.out());
    assertThat(ok(Run.of(null, "sha256sum", f.toString())).out()).startsWith(j.get("sha256").asText());
    assertThat(ok(Run.of(null, "md5sum", f.toString())).out()).startsWith(j.get("md5").asText());
    assertThat(ok(Run.of(null, "sha1sum", f.toString())).out()).startsWith(j.get("sha1").asText());
    assertThat(j.get("pieces")).hasSize(3);
    String first = ok(Run.of(null, Map.of(), List.of("sh", "-c", "head -c 1048576 " + f + " | sha256sum"))).out();
    assertThat(first).startsWith(j.get("pieces").get(0).get("sha256").asText());
  }

  /**
   * The tail of an open case's custody log cut at every length (as an insider deleting the last
   * entries would): case status says the log is not intact and exits 1, seal refuses and writes no
   * bundle.
   */
  @Test
  void tailOfAnOpenCaseCut_atEveryLength_caseStatusAndSealRefuse() throws Exception {
    Path home = tmp.resolve("cut-home");
    Cli c = new Cli(home);
    ok(c.custody("case", "open", "--case", "CUT", "--examiner", "E"));
    for (int i = 0; i < 2; i++) {
      Path f = Files.writeString(tmp.resolve("note-" + i + ".txt"), "note " + i);
      ok(c.custody("case", "add", "--case", "CUT", "--type", "other", "--source-id", "note-" + i, f.toString()));
    }
    Path caseDir = home.resolve("cases/CUT");
    int entries;
    try (var s = Files.list(caseDir.resolve("custody"))) {
      entries = (int) s.count();
    }
    assertThat(entries).isEqualTo(5);
    for (int cut = 1; cut < entries; cut++) {
      Path copyHome = tmp.resolve("cut-" + cut);
      assertThat(Run.of(tmp, java.util.Map.of(), List.of("cp", "-a", home.toString(), copyHome.toString())).exit()).isZero();
      for (int n = entries; n > entries - cut; n--) {
        Files.delete(copyHome.resolve("cases/CUT/custody").resolve(String.format("%06d.json", n)));
      }
      Cli cc = new Cli(copyHome);
      Run st = cc.custody("case", "status", "--case", "CUT", "--json");
      assertThat(st.exit()).as("status after a cut of %d: %s", cut, st).isEqualTo(1);
      JsonNode j = Json.mapper().readTree(st.out());
      assertThat(j.at("/custody/intact").asBoolean()).isFalse();
      assertThat(j.at("/custody/problems").toString()).contains("were removed");
      Path out = tmp.resolve("cut-" + cut + ".tar");
      Run seal = cc.custody("seal", "--case", "CUT", "--key", keys.resolve("examiner.key.pem").toString(), "--cert", cert(), "--out", out.toString());
      assertThat(seal.exit()).as("seal after a cut of %d: %s", cut, seal).isEqualTo(1);
      assertThat(seal.err()).contains("were removed");
      assertThat(out).doesNotExist();
    }
  }
}
