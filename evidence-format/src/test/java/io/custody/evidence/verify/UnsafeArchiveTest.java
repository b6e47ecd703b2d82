package io.custody.evidence.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnsafeArchiveTest {

  @TempDir Path tmp;
  Path verifierTmp;
  String canary;

  @BeforeEach
  void setUp() throws IOException {
    verifierTmp = Files.createDirectories(tmp.resolve("verifier-tmp"));
    canary = "custody-canary-" + UUID.randomUUID();
  }

  private VerificationReport verify(Path tar) {
    VerificationReport r = new BundleVerifier(List.of(), List.of(), verifierTmp).verify(tar);
    try (Stream<Path> s = Files.list(verifierTmp)) {
      assertThat(s.toList()).as("the verifier's temporary folder is left empty").isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(Path.of("/tmp", canary)).doesNotExist();
    assertThat(tmp.getParent().resolve(canary)).doesNotExist();
    assertThat(Path.of(canary)).doesNotExist();
    return r;
  }

  private Path tar(Entry... entries) throws IOException {
    Path p = tmp.resolve("evil-" + UUID.randomUUID() + ".tar");
    try (OutputStream out = Files.newOutputStream(p); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setAddPaxHeadersForNonAsciiNames(true);
      for (Entry e : entries) {
        TarArchiveEntry te = new TarArchiveEntry(e.name, e.type, true); // keep absolute names as given
        if (e.link != null) {
          te.setLinkName(e.link);
        }
        byte[] data = e.data == null ? new byte[0] : e.data.getBytes(StandardCharsets.UTF_8);
        if (e.type == TarConstants.LF_NORMAL) {
          te.setSize(data.length);
        }
        t.putArchiveEntry(te);
        t.write(data);
        t.closeArchiveEntry();
      }
    }
    return p;
  }

  record Entry(String name, byte type, String link, String data) {
    static Entry file(String name) {
      return new Entry(name, TarConstants.LF_NORMAL, null, "evil");
    }
  }

  private static void assertArchiveFinding(VerificationReport r, String detail) {
    assertThat(r.ok()).isFalse();
    assertThat(r.findings()).filteredOn(f -> f.check().equals("archive")).extracting(Finding::detail).anyMatch(d -> d.contains(detail));
  }

  @Test
  void absolutePath_refused() throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), Entry.file("/tmp/" + canary))), "absolute path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"top/../CANARY", "top/../../CANARY", "top/a/../../CANARY", "top/./x", "top//x"})
  void dotComponents_refused(String name) throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), Entry.file(name.replace("CANARY", canary)))), "name outside");
  }

  @Test
  void symlink_refused() throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), new Entry("top/link", TarConstants.LF_SYMLINK, "/etc/passwd", null))), "symbolic link");
  }

  @Test
  void hardlink_refused() throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), new Entry("top/hl", TarConstants.LF_LINK, "top/a", null))), "hard link");
  }

  @Test
  void devicesAndFifos_refused() throws IOException {
    VerificationReport r = verify(tar(Entry.file("top/a"), new Entry("top/c", TarConstants.LF_CHR, null, null),
        new Entry("top/b", TarConstants.LF_BLK, null, null), new Entry("top/f", TarConstants.LF_FIFO, null, null)));
    assertArchiveFinding(r, "device");
    assertArchiveFinding(r, "FIFO");
  }

  @Test
  void duplicateName_refused() throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), Entry.file("top/a"))), "duplicate");
  }

  @ParameterizedTest
  @ValueSource(strings = {"top/a b", "top/caf\u00e9", "top/a\nb", "top/a;rm", "top/.hidden", "top/-x", "top/a\\b"})
  void namesOutsideTheAlphabet_refused(String name) throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), Entry.file(name))), "name outside");
  }

  @Test
  void twoTopFolders_refused() throws IOException {
    assertArchiveFinding(verify(tar(Entry.file("top/a"), Entry.file("other/b"))), "outside the one top folder");
  }

  @Test
  void unsafeEntryInARealBundle_reportedBesideTheOtherChecks() throws IOException {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result sealed = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-9"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    // Copy the real bundle's entries, then append a symlink pointing out of the bundle.
    Path evil = tmp.resolve("evil.tar");
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(sealed.bundle()));
        TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(evil))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.putArchiveEntry(e);
        in.transferTo(out);
        out.closeArchiveEntry();
      }
      TarArchiveEntry link = new TarArchiveEntry(sealed.bundleId() + "/data/escape", TarConstants.LF_SYMLINK);
      link.setLinkName("../../../../" + canary);
      out.putArchiveEntry(link);
      out.closeArchiveEntry();
    }
    VerificationReport r = new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), verifierTmp).verify(evil);
    assertThat(r.findings()).extracting(Finding::check).containsExactly("archive");
    assertThat(r.signer().trusted()).isTrue();
  }

  @Test
  void notATar_findingNotException() throws IOException {
    Path junk = Files.write(tmp.resolve("junk.tar"), "this is not a tar file at all".repeat(100).getBytes(StandardCharsets.US_ASCII));
    VerificationReport r = verify(junk);
    assertThat(r.ok()).isFalse();
    assertThat(r.findings()).isNotEmpty();
  }

  @Test
  void folderWithSymlink_reportedNotFollowed() throws IOException {
    ExaminerKeys.Created keys = Fixtures.keys(tmp.resolve("keys"), KeyAlgorithm.EC_P256);
    Sealer.Result sealed = Fixtures.seal(Fixtures.sampleCase(tmp.resolve("home"), "IR-9"), Fixtures.signer(keys), tmp.resolve("b.tar"), null);
    Path dir = Fixtures.extract(sealed.bundle(), tmp.resolve("x"));
    Fixtures.makeWritable(dir);
    Files.createSymbolicLink(dir.resolve("data/passwd"), Path.of("/etc/passwd"));
    VerificationReport r = new BundleVerifier(Pem.readCertificates(keys.certificate()), List.of(), verifierTmp).verify(dir);
    assertThat(r.findings()).extracting(Finding::check, Finding::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("archive", sealed.bundleId() + "/data/passwd"));
  }
}
