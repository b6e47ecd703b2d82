package io.custody.evidence.testing;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.FileSigner;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Random;

/**
 * Builds real cases and bundles for tests: keys on disk, items with deterministic content, a fixed
 * clock. Shared with the end-to-end tests through the test jar.
 */
public final class Fixtures {

  public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  private Fixtures() {}

  /**
   * Examiner keys written into {@code dir}, valid both at {@link #CLOCK}'s fixed time and for 30
   * days from the real present: bundles are signed at either, and the verifier checks the
   * certificate at the signing time. (Keys made at the real time alone stopped verifying bundles
   * signed at the fixed time once the real clock passed it.)
   */
  public static ExaminerKeys.Created keys(Path dir, KeyAlgorithm algorithm) {
    Instant fixed = CLOCK.instant();
    Instant now = Instant.now();
    Instant from = fixed.isBefore(now) ? fixed : now;
    Instant to = fixed.isAfter(now) ? fixed : now;
    int days = Math.toIntExact(java.time.Duration.between(from, to).toDays() + 30);
    return ExaminerKeys.init(dir, "CN=Test Examiner,O=Custody Tests", algorithm, days, Clock.fixed(from, ZoneOffset.UTC));
  }

  public static FileSigner signer(ExaminerKeys.Created keys) {
    return FileSigner.load(keys.key(), keys.certificate());
  }

  /** Deterministic pseudo-random bytes: compressible in part, like real disks. */
  public static byte[] data(int size, long seed) {
    byte[] b = new byte[size];
    Random r = new Random(seed);
    r.nextBytes(b);
    for (int i = 0; i < size / 3; i++) {
      b[i] = 0; // a zeroed first third, as free space on a disk
    }
    return b;
  }

  /**
   * A case with a segmented zstd disk image (with MD5), an uncompressed segmented memory image, a
   * metadata file and a log, under {@code home}.
   */
  public static Case sampleCase(Path home, String caseId) {
    Case c = CaseStore.at(home, CLOCK).open(caseId, "Test Examiner", "Custody Tests", "fixture case");
    add(c, ItemSpec.of(ItemType.DISK, "vol-0123456789abcdef0", "disk.img").segmentSize(1 << 20)
        .algorithms(EnumSet.of(HashAlgorithm.MD5, HashAlgorithm.SHA1)).origin("file:/dev/test"), data((5 << 20) / 2 + 12345, 1));
    add(c, ItemSpec.of(ItemType.MEMORY, "i-0123456789abcdef0", "mem.lime").compression(Compression.NONE).segmentSize(1 << 20),
        data(3 << 19, 2));
    add(c, ItemSpec.of(ItemType.METADATA, "i-0123456789abcdef0", "instance.json"),
        "{\"InstanceId\": \"i-0123456789abcdef0\"}\n".getBytes(StandardCharsets.UTF_8));
    add(c, ItemSpec.of(ItemType.LOG, "trail-1", "cloudtrail.json.gz"), data(4096, 3));
    return c;
  }

  public static void add(Case c, ItemSpec spec, byte[] bytes) {
    c.add(spec, new ByteArrayInputStream(bytes), bytes.length, ProgressListener.NONE);
  }

  /** Seals the case into {@code out}. */
  public static Sealer.Result seal(Case c, FileSigner signer, Path out, URI tsa) {
    return new Sealer(c, signer, tsa, false, ProgressListener.NONE).seal(out);
  }

  /** Extracts a tar with the real tar tool into {@code dir} and returns the bundle folder. */
  public static Path extract(Path tar, Path dir) {
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder("tar", "-xf", tar.toString(), "-C", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("tar failed: " + out);
      }
      try (var s = Files.list(dir)) {
        return s.filter(Files::isDirectory).findFirst().orElseThrow();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Makes every file and folder under {@code dir} writable again (tar extracts them read-only). */
  public static void makeWritable(Path dir) {
    try (var s = Files.walk(dir)) {
      s.forEach(p -> p.toFile().setWritable(true, true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
