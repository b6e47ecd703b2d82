package io.custody.evidence.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.bundle.Sha256Sums;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.sign.CmsSigner;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.FileSigner;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.TestTsa;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SealVerifyTest {

  @TempDir Path tmp;

  private VerificationReport verify(Path bundle, ExaminerKeys.Created keys) {
    return new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), tmp).verify(bundle);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void seal_thenVerifyTarAndFolder_ok(KeyAlgorithm algorithm) {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), algorithm);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    Sealer.Result r = Fixtures.seal(c, Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    assertThat(r.bundleId()).isEqualTo("IR-1-20261123T100000Z");

    VerificationReport tar = verify(r.bundle(), keys);
    assertThat(tar.findings()).isEmpty();
    assertThat(tar.ok()).isTrue();
    assertThat(tar.items()).isEqualTo(4);
    assertThat(tar.signer().trusted()).isTrue();
    assertThat(tar.signer().fingerprintSha256()).isEqualTo(Pem.fingerprint(keys.cert()));

    Path dir = Fixtures.extract(r.bundle(), tmp.resolve("x"));
    VerificationReport folder = verify(dir, keys);
    assertThat(folder.findings()).isEmpty();
    assertThat(folder.custodyEntries()).isEqualTo(tar.custodyEntries());
  }

  @Test
  void seal_recordsIntentInsideBundleAndOutcomeInCaseLog() {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    int before = c.log().verify().count();
    Sealer.Result r = Fixtures.seal(c, Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    ChainReport after = c.log().verify();
    assertThat(after.count()).isEqualTo(before + 2);
    var outcome = after.entries().get(after.count() - 1);
    assertThat(outcome.event()).isEqualTo("sealed");
    assertThat(outcome.objects()).anySatisfy(o -> assertThat(o.sha256()).isEqualTo(r.tarSha256()));
    assertThat(verify(r.bundle(), keys).custodyEntries()).isEqualTo(before + 1);
  }

  @Test
  void verify_otherExaminersCertificate_signerTrustFinding() {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    ExaminerKeys.Created other = Fixtures.keys(tmp.resolve("other"), KeyAlgorithm.EC_P256);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    Sealer.Result r = Fixtures.seal(c, Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    VerificationReport rep = verify(r.bundle(), other);
    assertThat(rep.ok()).isFalse();
    assertThat(rep.findings()).extracting(Finding::check).containsExactly("signer-trust");
    assertThat(rep.signer().signatureValid()).isTrue();
  }

  @Test
  void verify_attackerEditsAndResignsWithOwnKey_detected() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    ExaminerKeys.Created attacker = Fixtures.keys(tmp.resolve("attacker"), KeyAlgorithm.EC_P256);
    Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-1"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    Path dir = Fixtures.extract(r.bundle(), tmp.resolve("x"));
    Fixtures.makeWritable(dir);
    Path meta = dir.resolve("data/metadata/i-0123456789abcdef0/instance.json");
    Files.writeString(meta, "{\"InstanceId\": \"i-ffffffffffffffff0\"}\n");
    // Recompute SHA256SUMS and re-sign it, as someone without the examiner's key would.
    var sums = Sha256Sums.parse(Files.readAllBytes(dir.resolve("SHA256SUMS"))).entries();
    var updated = new java.util.TreeMap<>(sums);
    updated.put("data/metadata/i-0123456789abcdef0/instance.json", io.custody.evidence.Sha256.digest(Files.readAllBytes(meta)));
    byte[] newSums = Sha256Sums.write(updated);
    Files.write(dir.resolve("SHA256SUMS"), newSums);
    Files.write(dir.resolve("SHA256SUMS.p7s"), CmsSigner.signDetached(newSums, Fixtures.signer(attacker), Fixtures.CLOCK.instant()));
    VerificationReport rep = verify(dir, keys);
    assertThat(rep.findings()).extracting(Finding::check).contains("signer-trust", "manifest", "raw-hash");
  }

  @Test
  void verify_listsEveryFinding_notOnlyTheFirst() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-1"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    Path dir = Fixtures.extract(r.bundle(), tmp.resolve("x"));
    Fixtures.makeWritable(dir);
    Files.delete(dir.resolve("custody/000003.json"));                          // missing
    Files.writeString(dir.resolve("data/extra.txt"), "planted");                // extra
    Files.move(dir.resolve("tool/version.json"), dir.resolve("tool/version2.json")); // renamed
    VerificationReport rep = verify(dir, keys);
    assertThat(rep.findings()).extracting(Finding::check, Finding::path).contains(
        org.assertj.core.groups.Tuple.tuple("file-missing", "custody/000003.json"),
        org.assertj.core.groups.Tuple.tuple("file-extra", "data/extra.txt"),
        org.assertj.core.groups.Tuple.tuple("file-missing", "tool/version.json"),
        org.assertj.core.groups.Tuple.tuple("file-extra", "tool/version2.json"));
    assertThat(rep.findings()).extracting(Finding::check).contains("custody-chain");
  }

  @Test
  void verify_truncatedCustodyChain_detectedEvenWithConsistentSums() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-1"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    Path dir = Fixtures.extract(r.bundle(), tmp.resolve("x"));
    Fixtures.makeWritable(dir);
    VerificationReport pristine = verify(dir, keys);
    String last = String.format("custody/%06d.json", pristine.custodyEntries());
    Files.delete(dir.resolve(last));
    // Even re-signed by the examiner's own key, the chain no longer ends with the seal.
    var sums = new java.util.TreeMap<>(Sha256Sums.parse(Files.readAllBytes(dir.resolve("SHA256SUMS"))).entries());
    sums.remove(last);
    byte[] newSums = Sha256Sums.write(sums);
    Files.write(dir.resolve("SHA256SUMS"), newSums);
    Files.write(dir.resolve("SHA256SUMS.p7s"), CmsSigner.signDetached(newSums, Fixtures.signer(keys), Fixtures.CLOCK.instant()));
    VerificationReport rep = verify(dir, keys);
    assertThat(rep.findings()).extracting(Finding::check).contains("custody-chain", "manifest");
  }

  @Test
  void verify_jsonShape() {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-1"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    JsonNode n = Json.mapper().valueToTree(verify(r.bundle(), keys));
    assertThat(n.get("ok").asBoolean()).isTrue();
    assertThat(n.get("findings").isArray()).isTrue();
    assertThat(n.get("signer").get("fingerprint_sha256").asText()).isEqualTo(Pem.fingerprint(keys.cert()));
  }

  @Test
  void seal_withTimestamp_verifiesAndChainsToTsaRoot() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P384);
    try (TestTsa tsa = new TestTsa()) {
      Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-1"), Fixtures.signer(keys), tmp.resolve("b.tar"), tsa.url());
      assertThat(r.timestamp()).isNotNull();
      VerificationReport rep = new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(tsa.root()), tmp).verify(r.bundle());
      assertThat(rep.findings()).isEmpty();
      assertThat(rep.timestamp().valid()).isTrue();
      assertThat(rep.timestamp().trusted()).isTrue();
      assertThat(rep.timestamp().tsa()).isEqualTo("CN=Custody Test TSA");
    }
  }

  @Test
  void seal_unreachableTsa_failsAndLeavesNoBundle() {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    Path out = tmp.resolve("b.tar");
    assertThatThrownBy(() -> Fixtures.seal(c, Fixtures.signer(keys), out, java.net.URI.create("http://127.0.0.1:9/tsa")))
        .isInstanceOf(io.custody.evidence.HostException.class);
    assertThat(out).doesNotExist();
    assertThat(tmp.resolve("b.tar.partial")).doesNotExist();
    var last = c.log().verify().entries();
    assertThat(last.get(last.size() - 1).outcome()).isEqualTo(io.custody.evidence.custody.Outcome.FAILED);
  }

  @Test
  void seal_storedEvidenceChangedSinceAcquisition_refused() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    Path seg = c.dir().resolve("data/disk/vol-0123456789abcdef0/image.raw.zst.000002");
    byte[] b = Files.readAllBytes(seg);
    b[b.length / 2] ^= 0x40;
    Files.write(seg, b);
    Path out = tmp.resolve("b.tar");
    assertThatThrownBy(() -> Fixtures.seal(c, Fixtures.signer(keys), out, null))
        .isInstanceOf(IntegrityException.class).hasMessageContaining("image.raw.zst.000002");
    assertThat(out).doesNotExist();
  }

  @Test
  void seal_existingOutput_neverOverwritten() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Path out = Files.writeString(tmp.resolve("b.tar"), "precious");
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    assertThatThrownBy(() -> Fixtures.seal(c, Fixtures.signer(keys), out, null)).isInstanceOf(InvalidInputException.class);
    assertThat(Files.readString(out)).isEqualTo("precious");
  }

  @Test
  void seal_unfinishedAcquisition_refusedUnlessAllowed() {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Case c = CaseStore.at(tmp.resolve("home"), Fixtures.CLOCK).open("IR-2", "Test Examiner", null, null);
    Fixtures.add(c, ItemSpec.of(ItemType.OTHER, "note-1", "a.txt"), "a".getBytes(StandardCharsets.UTF_8));
    c.begin(ItemSpec.of(ItemType.DISK, "vol-0aaaaaaaaaaaaaaaa", "x")); // as if the process died here
    FileSigner signer = Fixtures.signer(keys);
    assertThatThrownBy(() -> Fixtures.seal(c, signer, tmp.resolve("b.tar"), null)).hasMessageContaining("still running");
    Sealer.Result r = new Sealer(c, signer, null, true, null).seal(tmp.resolve("c.tar"));
    VerificationReport rep = verify(r.bundle(), keys);
    assertThat(rep.findings()).isEmpty();
    assertThat(rep.items()).isEqualTo(1);
  }

  @Test
  void seal_actionBegunAndNeverFinished_refusedUnlessAllowed_thenDeclaredInManifestVerifyTxtAndReport() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-1");
    // as if containment died between its AWS call and the outcome entry
    long open = c.log().begin(io.custody.evidence.custody.Event.of("contained")
        .object(io.custody.evidence.custody.CustodyObject.source("i-0123456789abcdef0", "ec2-instance"))).seq();
    FileSigner signer = Fixtures.signer(keys);
    assertThatThrownBy(() -> Fixtures.seal(c, signer, tmp.resolve("b.tar"), null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("begun and never recorded as finished").hasMessageContaining("#" + open + " contained on i-0123456789abcdef0");
    assertThat(tmp.resolve("b.tar")).doesNotExist();

    Sealer.Result r = new Sealer(c, signer, null, true, null).seal(tmp.resolve("c.tar"));
    VerificationReport rep = verify(r.bundle(), keys);
    assertThat(rep.findings()).isEmpty();
    assertThat(rep.openIntents()).containsExactly(open);
    Path dir = Fixtures.extract(r.bundle(), tmp.resolve("x"));
    assertThat(Json.mapper().readTree(dir.resolve("manifest.json").toFile()).at("/custody/open_intents").toString()).isEqualTo("[" + open + "]");
    assertThat(Files.readString(dir.resolve("VERIFY.txt"))).contains("INCOMPLETE", "[" + open + "]");

    // an open intent the manifest does not declare is a finding, even re-signed with the examiner's own key
    Fixtures.makeWritable(dir);
    Path manifest = dir.resolve("manifest.json");
    var m = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("custody")).remove("open_intents");
    Files.write(manifest, Json.write(m));
    var sums = new java.util.TreeMap<>(Sha256Sums.parse(Files.readAllBytes(dir.resolve("SHA256SUMS"))).entries());
    sums.put("manifest.json", io.custody.evidence.Sha256.digest(Files.readAllBytes(manifest)));
    byte[] newSums = Sha256Sums.write(sums);
    Files.write(dir.resolve("SHA256SUMS"), newSums);
    Files.write(dir.resolve("SHA256SUMS.p7s"), CmsSigner.signDetached(newSums, Fixtures.signer(keys), Fixtures.CLOCK.instant()));
    VerificationReport hidden = verify(dir, keys);
    assertThat(hidden.findings()).extracting(Finding::detail).anySatisfy(d -> assertThat(d).contains("[" + open + "]", "never recorded as finished"));
  }
}
