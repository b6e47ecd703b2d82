package io.custody.evidence.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.Run;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A bundle taken apart and tarred again by hand (GNU tar, any format) still verifies. */
class RetarTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "pax", "posix", "ustar"})
  void retarredWithGnuTar_verifies(String format) {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Case c = Fixtures.sampleCase(tmp.resolve("home"), "IR-3");
    // A source id long enough that paths pass 100 characters (pax or GNU long names).
    Fixtures.add(c, ItemSpec.of(ItemType.OTHER, "arn:aws:iam::123456789012:user/a-backdoor-user-with-a-long-name-0123456789", "report-with-a-rather-long-name.txt")
        .algorithms(EnumSet.of(HashAlgorithm.SHA1)), "hello".getBytes());
    Sealer.Result r = Fixtures.seal(c, Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    VerificationReport original = new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), tmp).verify(r.bundle());
    assertThat(original.findings()).isEmpty();

    Path dir = Fixtures.extract(r.bundle(), tmp.resolve("x"));
    Path retar = tmp.resolve("re-" + format + ".tar");
    Run run = Run.of(dir.getParent(), "tar", "--format=" + format, "-cf", retar.toString(), dir.getFileName().toString());
    if (format.equals("ustar")) {
      // ustar cannot hold names over 255 characters; GNU tar refuses, which is fine.
      assertThat(run.exit()).isIn(0, 2);
      if (run.exit() != 0) {
        return;
      }
    } else {
      assertThat(run.exit()).as(run.toString()).isZero();
    }
    VerificationReport again = new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), tmp).verify(retar);
    assertThat(again.findings()).isEmpty();
  }

  @Test
  void truncatedTar_findingNamesTheOffset() throws Exception {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-3"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    byte[] b = java.nio.file.Files.readAllBytes(r.bundle());
    Path cut = java.nio.file.Files.write(tmp.resolve("cut.tar"), java.util.Arrays.copyOf(b, b.length / 2 + 100));
    VerificationReport rep = new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), tmp).verify(cut);
    assertThat(rep.ok()).isFalse();
    assertThat(rep.findings()).anySatisfy(f -> assertThat(f.detail()).contains("offset"));
  }
}
