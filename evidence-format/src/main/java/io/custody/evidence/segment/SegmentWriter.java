package io.custody.evidence.segment;

import com.github.luben.zstd.ZstdOutputStream;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.ChunkSink;
import io.custody.evidence.hash.Piece;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a stream into stored files: every {@code segmentSize} raw bytes go into a new file (each a
 * complete zstd frame when compressed), created new, fsynced and never written again. With {@link
 * #single} the whole stream goes into one file without an index suffix.
 *
 * <p>Runs as a {@link ChunkSink} on a hashing session's thread. On abort, the files it created are
 * removed (they are copies, not originals).
 */
public final class SegmentWriter implements ChunkSink {

  /** zstd level used for evidence: fast, and about as good as gzip -6. */
  public static final int ZSTD_LEVEL = 3;

  private final Path dir;
  private final String name;
  private final Compression compression;
  private final long segmentSize;
  private final boolean single;
  private final int zstdWorkers;

  private final List<Path> created = new ArrayList<>();
  private final List<Open> closed = new ArrayList<>();
  private Open open;

  private SegmentWriter(Path dir, String name, Compression compression, long segmentSize, boolean single, int zstdWorkers) {
    this.dir = dir;
    this.name = name;
    this.compression = compression;
    this.segmentSize = segmentSize;
    this.single = single;
    this.zstdWorkers = zstdWorkers;
  }

  /** Segments of {@code segmentSize} raw bytes named {@code name[.zst].NNNNNN}. */
  public static SegmentWriter segmented(Path dir, String name, Compression compression, long segmentSize) {
    if (segmentSize <= 0) {
      throw new IllegalArgumentException("segment size must be positive");
    }
    return new SegmentWriter(dir, name, compression, segmentSize, false, defaultWorkers());
  }

  /** One file named {@code name[.zst]}. */
  public static SegmentWriter single(Path dir, String name, Compression compression) {
    return new SegmentWriter(dir, name, compression, Long.MAX_VALUE, true, defaultWorkers());
  }

  private static int defaultWorkers() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  @Override
  public void accept(byte[] buffer, int length, long offset) throws IOException {
    int pos = 0;
    while (pos < length) {
      if (open == null) {
        open = openNext(offset + pos);
      }
      int n = (int) Math.min(length - pos, segmentSize - open.raw);
      open.out.write(buffer, pos, n);
      open.raw += n;
      pos += n;
      if (open.raw == segmentSize) {
        closeCurrent();
      }
    }
  }

  @Override
  public void finish() throws IOException {
    if (open == null && closed.isEmpty()) {
      open = openNext(0); // an empty stream still gets one (empty) stored file
    }
    if (open != null) {
      closeCurrent();
    }
  }

  @Override
  public void abort() {
    if (open != null) {
      try {
        open.out.close();
      } catch (IOException | RuntimeException ignored) {
        // removing the file below is what matters
      }
      open = null;
    }
    for (Path p : created) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: the caller reports the failed acquisition and its folder
      }
    }
  }

  /**
   * The stored files with their raw ranges, after {@link #finish()}. Raw SHA-256 per segment comes
   * from the session's pieces (same boundaries: piece size = segment size).
   */
  public List<Segment> segments(List<Piece> pieces) {
    if (pieces.size() != closed.size()) {
      throw new IllegalStateException("pieces " + pieces.size() + " != segments " + closed.size());
    }
    List<Segment> out = new ArrayList<>();
    for (int i = 0; i < closed.size(); i++) {
      Open s = closed.get(i);
      Piece p = pieces.get(i);
      if (p.offset() != s.start || p.length() != s.raw) {
        throw new IllegalStateException("piece " + p.index() + " does not match segment " + s.file);
      }
      Sha256 stored = s.storedSha256 != null ? s.storedSha256 : p.sha256();
      out.add(new Segment(i + 1, s.file.getFileName().toString(), s.start, s.raw, p.sha256(), s.storedSize, stored));
    }
    return out;
  }

  /** The piece size a session must use so that pieces and segments line up. */
  public long pieceSize() {
    return segmentSize;
  }

  private Open openNext(long start) throws IOException {
    int index = closed.size() + 1;
    if (!single && index > SegmentNames.MAX_SEGMENTS) {
      throw new IOException("more than " + SegmentNames.MAX_SEGMENTS + " segments; use a larger segment size");
    }
    String fileName = single ? SegmentNames.single(name, compression) : SegmentNames.segment(name, compression, index);
    Path file = dir.resolve(fileName);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    created.add(file);
    CountingOut counting = new CountingOut(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20), compression == Compression.ZSTD);
    OutputStream out = counting;
    if (compression == Compression.ZSTD) {
      ZstdOutputStream z = new ZstdOutputStream(counting, ZSTD_LEVEL);
      z.setChecksum(true);
      if (zstdWorkers > 1) {
        z.setWorkers(zstdWorkers);
      }
      out = z;
    }
    return new Open(file, ch, counting, out, start);
  }

  private void closeCurrent() throws IOException {
    Open s = open;
    open = null;
    s.out.close(); // ends the zstd frame and flushes, but the channel stays open (see CountingOut)
    s.channel.force(true);
    s.channel.close();
    s.storedSize = s.counting.count;
    s.storedSha256 = s.counting.digest == null ? null : Sha256.of(s.counting.digest.digest());
    closed.add(s);
  }

  private static final class Open {
    final Path file;
    final FileChannel channel;
    final CountingOut counting;
    final OutputStream out;
    final long start;
    long raw;
    long storedSize;
    Sha256 storedSha256;

    Open(Path file, FileChannel channel, CountingOut counting, OutputStream out, long start) {
      this.file = file;
      this.channel = channel;
      this.counting = counting;
      this.out = out;
      this.start = start;
    }
  }

  /** Counts (and, for compressed output, hashes) what reaches the file; close flushes only. */
  private static final class CountingOut extends FilterOutputStream {
    long count;
    final MessageDigest digest;

    CountingOut(OutputStream out, boolean hash) {
      super(out);
      this.digest = hash ? HashAlgorithm.SHA256.newDigest() : null;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
      if (digest != null) {
        digest.update((byte) b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
      if (digest != null) {
        digest.update(b, off, len);
      }
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
