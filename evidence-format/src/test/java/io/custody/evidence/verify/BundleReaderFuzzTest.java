package io.custody.evidence.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzzes the bundle reader: any bytes as a bundle tar. The verifier must never throw, never accept,
 * and never leave anything behind in its temporary folder. Seeds: the golden bundle and hand-made
 * tars (src/test/resources/.../BundleReaderFuzzTestInputs).
 */
class BundleReaderFuzzTest {

  private static final Path TMP;

  static {
    try {
      TMP = Files.createTempDirectory("custody-fuzz-");
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void fuzzTar(byte[] input) throws IOException {
    VerificationReport r = new BundleVerifier(List.of(), List.of(), TMP).verifyTar(input);
    // Without a trust anchor no bundle can be ok, whatever the bytes.
    assertThat(r.ok()).isFalse();
    try (Stream<Path> s = Files.list(TMP)) {
      assertThat(s.count()).isZero();
    }
  }
}
