package io.custody.analyzer.disk;

import com.github.luben.zstd.ZstdInputStream;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A disk item as a raw image the Sleuth Kit can open, verified against the SHA-256 recorded when it
 * was acquired before anything reads it.
 *
 * <p>Uncompressed items are used in place (TSK opens the segment files as one split raw image, read
 * only). Compressed items are decompressed once into a sparse temporary file in a work folder
 * outside the case (runs of zeros become holes), hashed on the way; the file is deleted on {@link
 * #close()}. Nothing is ever written into the case.
 */
public final class RawImage implements AutoCloseable {

  private static final int CHUNK = 1 << 20;
  private static final int HOLE = 4096;

  private final List<Path> files;
  private final Path tempDir;
  private final long size;

  private RawImage(List<Path> files, Path tempDir, long size) {
    this.files = List.copyOf(files);
    this.tempDir = tempDir;
    this.size = size;
  }

  /**
   * @param workDir where a decompressed copy may go; must not lie inside the case
   * @throws IntegrityException when the stored bytes do not hash to the recorded SHA-256
   * @throws InvalidInputException when the work folder is inside the case
   */
  public static RawImage open(Case kase, Item item, Path workDir, ProgressListener progress) {
    Path caseDir = kase.dir().toAbsolutePath().normalize();
    Path work = workDir.toAbsolutePath().normalize();
    if (work.startsWith(caseDir)) {
      throw new InvalidInputException("Failed to use work folder '" + workDir + "': it is inside case '" + kase.id() + "', which is evidence");
    }
    List<Path> stored = new ArrayList<>();
    for (Segment s : item.segments()) {
      stored.add(kase.dir().resolve(item.dir()).resolve(s.file()));
    }
    if (stored.isEmpty()) {
      throw new InvalidInputException("Failed to open disk item '" + item.id() + "': it has no stored files");
    }
    try {
      if (item.compression() == Compression.NONE) {
        verifyPlain(item, stored, progress);
        return new RawImage(stored, null, item.size());
      }
      Files.createDirectories(work);
      Path dir = Files.createTempDirectory(work, "custody-disk-" + item.id() + "-");
      try {
        Path raw = dir.resolve("image.raw");
        decompress(item, stored, raw, progress);
        return new RawImage(List.of(raw), dir, item.size());
      } catch (IOException | RuntimeException e) {
        deleteTree(dir);
        throw e;
      }
    } catch (IOException e) {
      throw new HostException("Failed to prepare disk item '" + item.id() + "' for analysis: " + e.getMessage(), e);
    }
  }

  /** The image file(s), in order: pass them all to TSK. */
  public List<Path> files() {
    return files;
  }

  public long size() {
    return size;
  }

  /** True when the image is a temporary decompressed copy. */
  public boolean temporary() {
    return tempDir != null;
  }

  @Override
  public void close() {
    if (tempDir != null) {
      deleteTree(tempDir);
    }
  }

  private static void verifyPlain(Item item, List<Path> stored, ProgressListener progress) throws IOException {
    MessageDigest all = HashAlgorithm.SHA256.newDigest();
    byte[] buf = new byte[CHUNK];
    long done = 0;
    for (int i = 0; i < stored.size(); i++) {
      MessageDigest piece = HashAlgorithm.SHA256.newDigest();
      try (InputStream in = Files.newInputStream(stored.get(i))) {
        int n;
        while ((n = in.read(buf)) > 0) {
          all.update(buf, 0, n);
          piece.update(buf, 0, n);
          done += n;
          progress.progress(done, item.size());
        }
      }
      checkPiece(item, item.segments().get(i), piece);
    }
    checkWhole(item, all, done);
  }

  private static void decompress(Item item, List<Path> stored, Path raw, ProgressListener progress) throws IOException {
    MessageDigest all = HashAlgorithm.SHA256.newDigest();
    byte[] buf = new byte[CHUNK];
    long pos = 0;
    try (FileChannel out = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; i < stored.size(); i++) {
        MessageDigest piece = HashAlgorithm.SHA256.newDigest();
        try (InputStream in = new ZstdInputStream(Files.newInputStream(stored.get(i)))) {
          int n;
          while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            all.update(buf, 0, n);
            piece.update(buf, 0, n);
            writeSparse(out, buf, n, pos);
            pos += n;
            if (pos > item.size()) {
              throw new IntegrityException("Failed to verify disk item '" + item.id() + "': its segments hold more than the recorded "
                  + item.size() + " bytes");
            }
            progress.progress(pos, item.size());
          }
        }
        checkPiece(item, item.segments().get(i), piece);
      }
    }
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(pos); // a trailing run of zeros stays a hole
    }
    checkWhole(item, all, pos);
  }

  private static void writeSparse(FileChannel out, byte[] buf, int n, long pos) throws IOException {
    for (int off = 0; off < n; off += HOLE) {
      int len = Math.min(HOLE, n - off);
      if (!zero(buf, off, len)) {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        long at = pos + off;
        while (b.hasRemaining()) {
          at += out.write(b, at);
        }
      }
    }
  }

  private static boolean zero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static void checkPiece(Item item, Segment s, MessageDigest piece) {
    Sha256 got = Sha256.of(piece.digest());
    if (!got.equals(s.sha256())) {
      throw new IntegrityException("Failed to verify disk item '" + item.id() + "': segment " + s.file() + " holds raw SHA-256 " + got
          + ", the acquisition recorded " + s.sha256());
    }
  }

  private static void checkWhole(Item item, MessageDigest all, long size) {
    Sha256 got = Sha256.of(all.digest());
    if (size != item.size() || !got.equals(item.hashes().sha256())) {
      throw new IntegrityException("Failed to verify disk item '" + item.id() + "': " + size + " bytes with SHA-256 " + got
          + ", the acquisition recorded " + item.size() + " bytes with " + item.hashes().sha256());
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("custody: warning: could not remove temporary image folder " + dir + ": " + e.getMessage());
    }
  }
}
