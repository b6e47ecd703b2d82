package io.custody.evidence.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.TestTsa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Flips random bytes in every kind of file of a sealed, time-stamped bundle (sealed files, the
 * signature, the time-stamp and the TSA chain) and requires the verifier to report a finding every
 * time. Also flips bytes in the tar itself.
 */
class TamperPropertyTest {

  private static Path work;
  private static Path pristine;
  private static Path tar;
  private static List<String> files;
  private static List<X509Certificate> trust;
  private static List<X509Certificate> tsaTrust;

  @BeforeContainer
  static void sealOnce() throws Exception {
    work = Files.createTempDirectory("custody-tamper-");
    ExaminerKeys.Created keys = Fixtures.keys(work.resolve("keys"), KeyAlgorithm.EC_P256);
    trust = Pem.readCertificates(keys.certificate());
    try (TestTsa tsa = new TestTsa()) {
      tsaTrust = List.of(tsa.root());
      Sealer.Result r = Fixtures.seal(Fixtures.sampleCase(work.resolve("home"), "IR-7"), Fixtures.signer(keys), work.resolve("b.tar"), tsa.url());
      tar = r.bundle();
    }
    pristine = Fixtures.extract(tar, work.resolve("pristine"));
    try (Stream<Path> s = Files.walk(pristine)) {
      files = s.filter(Files::isRegularFile).map(p -> pristine.relativize(p).toString()).sorted().toList();
    }
    assertThat(files).contains("SHA256SUMS.p7s.tsr", "certs/tsa-chain.pem", "data/disk/vol-0123456789abcdef0/image.raw.zst.000001",
        "data/memory/i-0123456789abcdef0/memory.lime.000001");
    assertThat(new BundleVerifier(trust, tsaTrust, work).verify(pristine).findings()).isEmpty();
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    Fixtures.makeWritable(work);
    try (Stream<Path> s = Files.walk(work)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<String> bundleFiles() {
    return Arbitraries.of(files);
  }

  @Property(tries = 250)
  void flipAnyByteOfAnyFile_isFound(@ForAll("bundleFiles") String file, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
      @ForAll @IntRange(min = 1, max = 255) int mask) throws IOException {
    Path copy = copyPristine();
    Path target = copy.resolve(file);
    byte[] b = Files.readAllBytes(target);
    int at = (int) (where * b.length);
    b[at] ^= (byte) mask;
    Files.write(target, b);
    VerificationReport r = new BundleVerifier(trust, tsaTrust, work).verify(copy);
    assertThat(r.ok()).as("flip %02x at %d of %s", mask, at, file).isFalse();
    assertThat(r.findings()).isNotEmpty();
  }

  /** Every file at least once, deterministically: its first, middle and last byte. */
  @Property(tries = 1)
  void flipFirstMiddleLastOfEveryFile_isFound() throws IOException {
    for (String file : files) {
      long size = Files.size(pristine.resolve(file));
      for (long at : new long[] {0, size / 2, size - 1}) {
        Path copy = copyPristine();
        Path target = copy.resolve(file);
        byte[] b = Files.readAllBytes(target);
        b[(int) at] ^= 0x01;
        Files.write(target, b);
        assertThat(new BundleVerifier(trust, tsaTrust, work).verify(copy).ok()).as("flip at %d of %s", at, file).isFalse();
      }
    }
  }

  /**
   * Flips a byte of the tar where it carries information: an entry's name, size or type, or its
   * contents. (Padding, times, owners and modes are transport details, not evidence: a bundle re-tarred
   * by hand must still verify.)
   */
  @Property(tries = 80)
  void flipInformationByteOfTheTar_isFound(@ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
      @ForAll @IntRange(min = 1, max = 255) int mask) throws IOException {
    byte[] b = Files.readAllBytes(tar);
    List<long[]> regions = informationRegions(b);
    long total = regions.stream().mapToLong(r -> r[1]).sum();
    long pick = (long) (where * total);
    int at = -1;
    for (long[] r : regions) {
      if (pick < r[1]) {
        at = (int) (r[0] + pick);
        break;
      }
      pick -= r[1];
    }
    b[at] ^= (byte) mask;
    Path copy = Files.write(Files.createTempFile(work, "t", ".tar"), b);
    VerificationReport r = new BundleVerifier(trust, tsaTrust, work).verify(copy);
    Files.delete(copy);
    assertThat(r.ok()).as("flip %02x at %d of the tar", mask, at).isFalse();
  }

  /** [offset, length] of every name, size and type field and every entry's data in a ustar file. */
  private static List<long[]> informationRegions(byte[] b) {
    List<long[]> out = new java.util.ArrayList<>();
    int o = 0;
    while (o + 512 <= b.length && b[o] != 0) {
      int nameLen = 0;
      while (nameLen < 100 && b[o + nameLen] != 0) {
        nameLen++;
      }
      out.add(new long[] {o, nameLen});
      out.add(new long[] {o + 124, 11});  // size, octal digits
      out.add(new long[] {o + 156, 1});   // type flag
      long size = Long.parseLong(new String(b, o + 124, 11, java.nio.charset.StandardCharsets.US_ASCII).trim(), 8);
      if (size > 0) {
        out.add(new long[] {o + 512, size});
      }
      o += 512 + (int) ((size + 511) / 512 * 512);
    }
    return out;
  }

  private static Path copyPristine() throws IOException {
    Path dir = Files.createTempDirectory(work, "copy-").resolve(pristine.getFileName());
    try (Stream<Path> s = Files.walk(pristine)) {
      for (Path p : s.toList()) {
        Path t = dir.resolve(pristine.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
          t.toFile().setWritable(true, true);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return dir;
  }
}
