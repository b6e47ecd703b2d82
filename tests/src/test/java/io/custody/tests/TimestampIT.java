package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.Run;
import io.custody.evidence.testing.TestTsa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** custody seal --tsa against an RFC 3161 authority on loopback; openssl ts -verify accepts the token. */
class TimestampIT {

  @TempDir Path tmp;

  @Test
  void sealWithTsa_opensslTsVerifyAndVerifyTxtPass() throws Exception {
    Cli cli = new Cli(tmp.resolve("home"));
    Path keys = tmp.resolve("keys");
    assertThat(cli.custody("keys", "init", "--dir", keys.toString(), "--subject", "CN=Jane Doe", "--algorithm", "rsa-pss-3072").exit()).isZero();
    assertThat(cli.custody("case", "open", "--case", "IR-7", "--examiner", "Jane Doe").exit()).isZero();
    Path f = Files.writeString(tmp.resolve("console.txt"), "login: root\n");
    assertThat(cli.custody("case", "add", "--case", "IR-7", "--type", "console", "--source-id", "i-0123", f.toString()).exit()).isZero();
    try (TestTsa tsa = new TestTsa()) {
      Path bundle = tmp.resolve("b.tar");
      Run seal = cli.custody("seal", "--case", "IR-7", "--key", keys.resolve("examiner.key.pem").toString(), "--cert",
          keys.resolve("examiner.cert.pem").toString(), "--tsa", tsa.url().toString(), "--out", bundle.toString());
      assertThat(seal.exit()).as(seal.toString()).isZero();
      assertThat(seal.out()).contains("time-stamp");
      Path dir = Fixtures.extract(bundle, tmp.resolve("x"));
      Path root = tsa.writeRoot(tmp.resolve("tsa-root.pem"));
      Run ts = Run.of(dir, "openssl", "ts", "-verify", "-in", "SHA256SUMS.p7s.tsr", "-data", "SHA256SUMS.p7s", "-CAfile", root.toString());
      assertThat(ts.exit()).as(ts.toString()).isZero();
      assertThat(ts.out()).contains("Verification: OK");
      Run manual = Run.of(dir, Map.of("TRUST", keys.resolve("examiner.cert.pem").toString()), List.of("sh", "VERIFY.txt"));
      assertThat(manual.exit()).as(manual.toString()).isZero();
      assertThat(manual.err()).contains("6/6");
      Run v = cli.custodyVerify(bundle.toString(), "--trust", keys.resolve("examiner.cert.pem").toString(), "--tsa-trust", root.toString());
      assertThat(v.exit()).as(v.toString()).isZero();
      assertThat(v.out()).contains("Time-stamp:", "trusted");
    }
  }
}
