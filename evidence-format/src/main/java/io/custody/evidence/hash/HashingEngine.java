package io.custody.evidence.hash;

import io.custody.evidence.HashAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a byte stream once and computes, each on its own thread, SHA-256 (always), MD5 and SHA-1 (on
 * request), per-piece SHA-256 (when a piece size is set) and hands the same bytes to an optional
 * {@link ChunkSink} (the segment writer). Memory is bounded by {@code buffers × bufferSize} whatever
 * the input size. Defaults: 8 buffers of 4 MiB, no pieces, no sink.
 *
 * <p>An engine is immutable and reusable; every {@link #open()} or {@link #hash} is an independent
 * session.
 */
public final class HashingEngine {

  private final Set<HashAlgorithm> algorithms;
  private final long pieceSize;
  private final int bufferSize;
  private final int buffers;

  private HashingEngine(Builder b) {
    EnumSet<HashAlgorithm> set = EnumSet.of(HashAlgorithm.SHA256);
    set.addAll(b.algorithms);
    this.algorithms = set;
    this.pieceSize = b.pieceSize;
    this.bufferSize = b.bufferSize;
    this.buffers = b.buffers;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** SHA-256 only, no pieces. */
  public static HashingEngine sha256() {
    return builder().build();
  }

  public Set<HashAlgorithm> algorithms() {
    return EnumSet.copyOf(algorithms);
  }

  public long pieceSize() {
    return pieceSize;
  }

  /**
   * Starts a session that is fed with {@link HashingSession#update} or {@link
   * HashingSession#transferFrom}.
   *
   * @param sink receives the bytes too, or null
   * @param expectedSize for progress, or -1
   */
  public HashingSession open(ChunkSink sink, long expectedSize, ProgressListener progress) {
    List<ChunkSink> sinks = new ArrayList<>();
    List<DigestSink> digests = new ArrayList<>();
    for (HashAlgorithm a : algorithms) {
      DigestSink d = new DigestSink(a);
      digests.add(d);
      sinks.add(d);
    }
    PieceSink pieces = null;
    if (pieceSize > 0) {
      pieces = new PieceSink(pieceSize);
      sinks.add(pieces);
    }
    if (sink != null) {
      sinks.add(sink);
    }
    return new HashingSession(sinks, digests, pieces, bufferSize, buffers, expectedSize, progress);
  }

  public HashingSession open() {
    return open(null, -1, ProgressListener.NONE);
  }

  /**
   * Reads {@code in} to its end through a new session.
   *
   * @throws IOException when reading fails or a sink fails; a failed sink has been aborted
   */
  public HashResult hash(InputStream in, ChunkSink sink, long expectedSize, ProgressListener progress)
      throws IOException {
    try (HashingSession session = open(sink, expectedSize, progress)) {
      session.transferFrom(in);
      return session.finish();
    }
  }

  public HashResult hash(InputStream in) throws IOException {
    return hash(in, null, -1, ProgressListener.NONE);
  }

  /** Builder; see the class comment for defaults. */
  public static final class Builder {
    private final Set<HashAlgorithm> algorithms = EnumSet.of(HashAlgorithm.SHA256);
    private long pieceSize;
    private int bufferSize = 4 << 20;
    private int buffers = 8;

    private Builder() {}

    /** Adds an algorithm (SHA-256 is always there). */
    public Builder add(HashAlgorithm algorithm) {
      algorithms.add(algorithm);
      return this;
    }

    public Builder algorithms(Set<HashAlgorithm> set) {
      algorithms.addAll(set);
      return this;
    }

    /** Per-piece SHA-256 every {@code size} bytes; 0 for none. */
    public Builder pieceSize(long size) {
      if (size < 0) {
        throw new IllegalArgumentException("piece size must not be negative");
      }
      this.pieceSize = size;
      return this;
    }

    public Builder bufferSize(int size) {
      if (size < 4096) {
        throw new IllegalArgumentException("buffer size must be at least 4096");
      }
      this.bufferSize = size;
      return this;
    }

    public Builder buffers(int count) {
      if (count < 2) {
        throw new IllegalArgumentException("need at least two buffers");
      }
      this.buffers = count;
      return this;
    }

    public HashingEngine build() {
      return new HashingEngine(this);
    }
  }
}
