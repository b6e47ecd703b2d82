package io.custody.analyzer.disk;

import com.github.luben.zstd.ZstdInputStream;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.ChunkSink;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.HashingEngine;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A disk item as a raw image the Sleuth Kit or a loop device can open, verified against the SHA-256
 * recorded when it was acquired before anything reads it.
 *
 * <p>Uncompressed items are used in place (TSK opens the segment files as one split raw image, read
 * only; a loop device needs one file, so a split item is joined into a copy when {@code oneFile}).
 * Compressed items are decompressed once into a sparse temporary file in a work folder outside the
 * sealed evidence (runs of zeros become holes), hashed on the way; the file is deleted on {@link
 * #close()}. Nothing is ever written where the case keeps its evidence: the work folder is outside
 * the case, or the case's own scratch folder {@code work/}, which is never sealed.
 */
public final class RawImage implements AutoCloseable {

  private static final int HOLE = 4096;

  /** The case's scratch folder: never sealed, so a working copy may go there. */
  public static final String SCRATCH = "work";

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
    return open(kase, item, workDir, progress, false);
  }

  /**
   * @param oneFile the image must be one file (a loop device's backing file)
   * @see #open(Case, Item, Path, ProgressListener)
   */
  public static RawImage open(Case kase, Item item, Path workDir, ProgressListener progress, boolean oneFile) {
    Path caseDir = kase.dir().toAbsolutePath().normalize();
    Path work = workDir.toAbsolutePath().normalize();
    if (work.startsWith(caseDir) && !work.startsWith(caseDir.resolve(SCRATCH))) {
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
      if (item.compression() == Compression.NONE && (!oneFile || stored.size() == 1)) {
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

  /**
   * The raw stream of an item as stored (segments joined, zstd decompressed), not verified: the
   * caller hashes what it reads and compares with the item's recorded hashes.
   */
  public static InputStream stream(Case kase, Item item) {
    List<Path> stored = new ArrayList<>();
    for (Segment s : item.segments()) {
      stored.add(kase.dir().resolve(item.dir()).resolve(s.file()));
    }
    return concatenated(stored, item.compression() == Compression.ZSTD);
  }

  /** The image file(s), in order: pass them all to TSK. */
  public List<Path> files() {
    return files;
  }

  public long size() {
    return size;
  }

  /** True when the image is a temporary copy (decompressed or joined), deleted on {@link #close()}. */
  public boolean temporary() {
    return tempDir != null;
  }

  /** The temporary folder holding the copy, or null when the stored files are used in place. */
  public Path tempDir() {
    return tempDir;
  }

  @Override
  public void close() {
    if (tempDir != null) {
      deleteTree(tempDir);
    }
  }

  private static void verifyPlain(Item item, List<Path> stored, ProgressListener progress) throws IOException {
    HashResult r;
    try (InputStream in = concatenated(stored, false)) {
      r = HashingEngine.sha256().hash(in, null, item.size(), progress);
    }
    checkWhole(item, stored, false, r);
  }

  /**
   * Decompresses into a sparse file while hashing on other threads (the hashing engine overlaps
   * reading, digesting and writing).
   */
  private static void decompress(Item item, List<Path> stored, Path raw, ProgressListener progress) throws IOException {
    HashResult r;
    try (FileChannel out = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        InputStream in = concatenated(stored, item.compression() == Compression.ZSTD)) {
      r = HashingEngine.sha256().hash(in, new SparseSink(out), item.size(), progress);
    }
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(r.size()); // a trailing run of zeros stays a hole
    }
    checkWhole(item, stored, item.compression() == Compression.ZSTD, r);
  }

  private static InputStream concatenated(List<Path> stored, boolean zstd) {
    java.util.Iterator<Path> it = stored.iterator();
    return new java.io.SequenceInputStream(new java.util.Enumeration<InputStream>() {
      @Override
      public boolean hasMoreElements() {
        return it.hasNext();
      }

      @Override
      public InputStream nextElement() {
        Path p = it.next();
        try {
          InputStream f = Files.newInputStream(p);
          return zstd ? new ZstdInputStream(f) : f;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
  }

  /** Writes chunks at their offsets, leaving all-zero blocks as holes. */
  private record SparseSink(FileChannel out) implements ChunkSink {
    @Override
    public void accept(byte[] buffer, int length, long offset) throws IOException {
      writeSparse(out, buffer, length, offset);
    }

    @Override
    public void finish() {}

    @Override
    public void abort() {}
  }

  private static void checkWhole(Item item, List<Path> stored, boolean zstd, HashResult r) throws IOException {
    if (r.size() == item.size() && r.hashes().sha256().equals(item.hashes().sha256())) {
      return;
    }
    // Slow path, only on failure: name the segment that no longer matches its recorded hash.
    for (int i = 0; i < stored.size(); i++) {
      Segment s = item.segments().get(i);
      try (InputStream in = concatenated(List.of(stored.get(i)), zstd)) {
        HashResult piece = HashingEngine.sha256().hash(in);
        if (!piece.hashes().sha256().equals(s.sha256()) || piece.size() != s.length()) {
          throw new IntegrityException("Failed to verify disk item '" + item.id() + "': segment " + s.file() + " holds " + piece.size()
              + " raw bytes with SHA-256 " + piece.hashes().sha256() + ", the acquisition recorded " + s.length() + " bytes with " + s.sha256());
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new IntegrityException("Failed to verify disk item '" + item.id() + "': segment " + s.file() + " cannot be read: " + e.getMessage(), e);
      }
    }
    throw new IntegrityException("Failed to verify disk item '" + item.id() + "': " + r.size() + " bytes with SHA-256 " + r.hashes().sha256()
        + ", the acquisition recorded " + item.size() + " bytes with " + item.hashes().sha256());
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

  private static final byte[] ZEROS = new byte[HOLE];

  private static boolean zero(byte[] b, int off, int len) {
    return java.util.Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0; // vectorised by the JIT
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
