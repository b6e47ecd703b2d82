package io.custody.evidence.hash;

import io.custody.evidence.Hashes;
import io.custody.evidence.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pass over one stream. The caller's thread fills buffers from a fixed pool; every sink runs on a
 * thread of its own and sees every buffer in order; a buffer returns to the pool when the last sink
 * is done with it. A failing sink fails the session; the other sinks are then aborted.
 *
 * <p>Not thread-safe: feed it from one thread. Always close it (closing an unfinished session aborts
 * it).
 */
public final class HashingSession implements AutoCloseable {

  private static final Chunk END = new Chunk(null, 0, 0, null);

  private final List<Worker> workers = new ArrayList<>();
  private final List<DigestSink> digests;
  private final PieceSink pieces;
  private final BlockingQueue<byte[]> free;
  private final long expectedSize;
  private final ProgressListener progress;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private byte[] current;
  private int fill;
  private long offset;
  private boolean ended;

  HashingSession(
      List<ChunkSink> sinks,
      List<DigestSink> digests,
      PieceSink pieces,
      int bufferSize,
      int buffers,
      long expectedSize,
      ProgressListener progress) {
    this.digests = digests;
    this.pieces = pieces;
    this.expectedSize = expectedSize;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.free = new ArrayBlockingQueue<>(buffers);
    for (int i = 0; i < buffers; i++) {
      free.add(new byte[bufferSize]);
    }
    int n = 0;
    for (ChunkSink sink : sinks) {
      Worker w = new Worker(sink, buffers + 1);
      Thread t = new Thread(w, "custody-hash-" + n++);
      t.setDaemon(true);
      w.thread = t;
      workers.add(w);
      t.start();
    }
  }

  /** Bytes accepted so far. */
  public long position() {
    return offset + fill;
  }

  /** Copies bytes into the session. */
  public void update(byte[] bytes, int off, int len) throws IOException {
    checkOpen();
    while (len > 0) {
      if (current == null) {
        current = takeBuffer();
        fill = 0;
      }
      int n = Math.min(len, current.length - fill);
      System.arraycopy(bytes, off, current, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == current.length) {
        dispatchCurrent();
      }
    }
  }

  /**
   * Reads {@code in} to its end, straight into pool buffers (no extra copy).
   *
   * @return bytes read from {@code in}
   */
  public long transferFrom(InputStream in) throws IOException {
    checkOpen();
    long total = 0;
    while (true) {
      if (current == null) {
        current = takeBuffer();
        fill = 0;
      }
      int n = in.read(current, fill, current.length - fill);
      if (n < 0) {
        return total;
      }
      fill += n;
      total += n;
      if (fill == current.length) {
        dispatchCurrent();
      }
    }
  }

  /**
   * Ends the stream, waits for every sink and returns the digests.
   *
   * @throws IOException the first failure of any sink or of the caller's input
   */
  public HashResult finish() throws IOException {
    checkOpen();
    if (current != null && fill > 0) {
      dispatchCurrent();
    }
    endAndJoin();
    rethrowFailure();
    HexFormat hex = HexFormat.of();
    Sha256 sha256 = null;
    String md5 = null;
    String sha1 = null;
    for (DigestSink d : digests) {
      byte[] r = d.result();
      switch (d.algorithm()) {
        case SHA256 -> sha256 = Sha256.of(r);
        case MD5 -> md5 = hex.formatHex(r);
        case SHA1 -> sha1 = hex.formatHex(r);
      }
    }
    return new HashResult(position(), new Hashes(sha256, md5, sha1), pieces == null ? List.of() : pieces.pieces());
  }

  /** Aborts the session when it was not finished. */
  @Override
  public void close() {
    if (!ended) {
      failure.compareAndSet(null, new IOException("hashing session closed before it finished"));
      endAndJoin();
    }
  }

  private void checkOpen() throws IOException {
    if (ended) {
      throw new IllegalStateException("session already ended");
    }
    rethrowFailure();
  }

  private void rethrowFailure() throws IOException {
    Throwable t = failure.get();
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IOException(t);
  }

  private byte[] takeBuffer() throws IOException {
    try {
      byte[] b;
      // Poll so that a sink failure is noticed even while every buffer is held.
      while ((b = free.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS)) == null) {
        rethrowFailure();
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while hashing");
      failure.compareAndSet(null, io);
      throw io;
    }
  }

  private void dispatchCurrent() throws IOException {
    Chunk c = new Chunk(current, fill, offset, new AtomicInteger(workers.size()));
    offset += fill;
    current = null;
    fill = 0;
    for (Worker w : workers) {
      put(w.queue, c);
    }
    progress.progress(offset, expectedSize);
    rethrowFailure();
  }

  private void put(BlockingQueue<Chunk> q, Chunk c) throws IOException {
    try {
      q.put(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while hashing");
      failure.compareAndSet(null, io);
      throw io;
    }
  }

  private void endAndJoin() {
    ended = true;
    boolean interrupted = false;
    for (Worker w : workers) {
      // Queues hold buffers + 1 slots and there are only `buffers` chunks, so this never blocks long.
      while (true) {
        try {
          w.queue.put(END);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    for (Worker w : workers) {
      while (true) {
        try {
          w.thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private record Chunk(byte[] buffer, int length, long offset, AtomicInteger holders) {}

  private final class Worker implements Runnable {
    final ChunkSink sink;
    final BlockingQueue<Chunk> queue;
    Thread thread;

    Worker(ChunkSink sink, int capacity) {
      this.sink = sink;
      this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public void run() {
      while (true) {
        Chunk c;
        try {
          c = queue.take();
        } catch (InterruptedException e) {
          failure.compareAndSet(null, new InterruptedIOException("hash worker interrupted"));
          continue;
        }
        if (c == END) {
          finishOrAbort();
          return;
        }
        try {
          if (failure.get() == null) {
            sink.accept(c.buffer(), c.length(), c.offset());
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (c.holders().decrementAndGet() == 0) {
            free.add(c.buffer());
          }
        }
      }
    }

    private void finishOrAbort() {
      if (failure.get() == null) {
        try {
          sink.finish();
          return;
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
      sink.abort();
    }
  }
}
