package io.custody.evidence.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignerTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void init_writesPkcs8KeyMode0600AndSelfSignedCaCert(KeyAlgorithm a) throws Exception {
    ExaminerKeys.Created c = ExaminerKeys.init(tmp, "CN=Jane Doe,O=ACME IR", a, 10, Clock.systemUTC());
    assertThat(Files.readString(c.key())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.key()))).isEqualTo("rw-------");
    assertThat(c.cert().getSubjectX500Principal()).isEqualTo(c.cert().getIssuerX500Principal());
    assertThat(c.cert().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    c.cert().verify(c.cert().getPublicKey());
    FileSigner s = FileSigner.load(c.key(), c.certificate());
    assertThat(s.algorithm()).isEqualTo(a);
  }

  @Test
  void init_neverOverwrites() {
    ExaminerKeys.init(tmp, "CN=A", KeyAlgorithm.EC_P256, 10, Clock.systemUTC());
    assertThatThrownBy(() -> ExaminerKeys.init(tmp, "CN=B", KeyAlgorithm.EC_P256, 10, Clock.systemUTC()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("already exists");
  }

  @Test
  void init_badSubject_refused() {
    assertThatThrownBy(() -> ExaminerKeys.init(tmp, "not a DN", KeyAlgorithm.EC_P256, 10, Clock.systemUTC()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void load_keyOfAnotherCertificate_refused() {
    ExaminerKeys.Created a = Fixtures.keys(tmp.resolve("a"), KeyAlgorithm.EC_P256);
    ExaminerKeys.Created b = Fixtures.keys(tmp.resolve("b"), KeyAlgorithm.EC_P256);
    assertThatThrownBy(() -> FileSigner.load(a.key(), b.certificate())).hasMessageContaining("does not match");
  }

  @Test
  void load_pkcs12_withPasswordFromEnvironmentOrEmpty() throws Exception {
    ExaminerKeys.Created a = Fixtures.keys(tmp.resolve("a"), KeyAlgorithm.EC_P384);
    Path p12 = tmp.resolve("examiner.p12");
    var run = io.custody.evidence.testing.Run.of(tmp, "openssl", "pkcs12", "-export", "-inkey", a.key().toString(), "-in",
        a.certificate().toString(), "-out", p12.toString(), "-passout", "pass:");
    assertThat(run.exit()).as(run.toString()).isZero();
    FileSigner s = FileSigner.load(p12, null);
    assertThat(s.chain().get(0)).isEqualTo(a.cert());
  }

  @Test
  void load_notAKey_refused() throws Exception {
    Path junk = Files.writeString(tmp.resolve("k.pem"), "hello");
    ExaminerKeys.Created a = Fixtures.keys(tmp.resolve("a"), KeyAlgorithm.EC_P256);
    assertThatThrownBy(() -> FileSigner.load(junk, a.certificate())).isInstanceOf(InvalidInputException.class);
  }
}
