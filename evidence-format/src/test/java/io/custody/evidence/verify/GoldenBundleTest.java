package io.custody.evidence.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.sign.Pem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed EVB 1.0 test vector (made once by GoldenBundleWriter) keeps verifying: the format
 * and the verifier have not drifted, and a bundle whose certificates were valid when it was signed
 * and stamped verifies later.
 */
class GoldenBundleTest {

  @TempDir Path tmp;

  static Path golden(String name) {
    try {
      return Path.of(GoldenBundleTest.class.getResource("/golden/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void goldenBundle_verifiesWithItsRecordedIdentity() throws IOException {
    JsonNode expected = Json.mapper().readTree(golden("expected.json").toFile());
    Path tar = golden("golden-bundle.tar");
    assertThat(Sha256.digest(Files.readAllBytes(tar)).hex()).isEqualTo(expected.get("tar_sha256").asText());
    VerificationReport r = new BundleVerifier(Pem.readCertificates(golden("examiner.cert.pem")),
        Pem.readCertificates(golden("tsa-root.pem")), tmp).verify(tar);
    assertThat(r.findings()).isEmpty();
    assertThat(r.bundleId()).isEqualTo(expected.get("bundle_id").asText());
    assertThat(r.signer().fingerprintSha256()).isEqualTo(expected.get("signer_fingerprint_sha256").asText());
    assertThat(r.timestamp().trusted()).isTrue();
    assertThat(r.items()).isEqualTo(expected.get("items").size());
  }

  @Test
  void goldenBundle_oneChangedByte_fails() throws IOException {
    byte[] b = Files.readAllBytes(golden("golden-bundle.tar"));
    // The middle of the archive is evidence data.
    b[b.length / 2] ^= 0x10;
    Path copy = Files.write(tmp.resolve("changed.tar"), b);
    VerificationReport r = new BundleVerifier(Pem.readCertificates(golden("examiner.cert.pem")),
        Pem.readCertificates(golden("tsa-root.pem")), tmp).verify(copy);
    assertThat(r.ok()).isFalse();
  }
}
