package io.custody.collector.acquire;

import io.custody.collector.acquire.DirectAcquisition.BadBlock;
import io.custody.collector.aws.EbsDirectGateway.Block;
import io.custody.evidence.files.BulkInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A snapshot's volume as one stream, in volume order, while its listed blocks are obtained on a pool
 * and finish in any order. At most {@code window} blocks are held at a time (obtaining, done and
 * waiting, or being read), counted from the next block the stream needs: the next one is submitted
 * only when one has been read, so memory stays {@code window × blockSize} whatever the volume
 * size. Blocks not listed are zeros, made without I/O.
 *
 * <p>A block that could not be verified ends the stream with an {@link IOException}; {@link #drain}
 * then obtains the remaining blocks (for the rerun) and returns every failure. Not thread-safe: one
 * reader.
 */
final class OrderedBlocks extends BulkInputStream {

  /** What the per-block work gives back: the verified bytes, or why there are none. */
  record Obtained(byte[] data, String problem) {
    static Obtained verified(byte[] data) {
      return new Obtained(data, null);
    }

    static Obtained failed(String problem) {
      return new Obtained(null, problem);
    }
  }

  private final List<Block> blocks;
  private final int blockSize;
  private final long size;
  private final int window;
  private final ExecutorService pool;
  private final Function<Block, Obtained> work;
  private final ArrayDeque<Future<Obtained>> ahead = new ArrayDeque<>();
  private final List<BadBlock> bad = new ArrayList<>();
  private int submitted;
  private int taken;
  private int released;
  private byte[] current;
  private long currentStart;
  private long position;
  private int mostHeld;

  /**
   * @param blocks the listed blocks, each inside the volume, in index order without duplicates
   * @param work obtains one block; runs on {@code pool}
   */
  OrderedBlocks(List<Block> blocks, int blockSize, long size, int window, ExecutorService pool, Function<Block, Obtained> work) {
    this.blocks = blocks;
    this.blockSize = blockSize;
    this.size = size;
    this.window = window;
    this.pool = pool;
    this.work = work;
  }

  /** The most blocks held at once so far; never above the window. */
  int mostHeld() {
    return mostHeld;
  }

  /** True once a block that could not be verified ended the stream. */
  boolean stoppedByBadBlock() {
    return !bad.isEmpty();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (!bad.isEmpty()) {
      throw new IOException("the stream ended at block " + bad.get(0).index());
    }
    if (position >= size) {
      return -1;
    }
    submitUpToWindow();
    int n = 0;
    while (n < len && position < size) {
      if (current == null) {
        long next = taken < blocks.size() ? offset(blocks.get(taken)) : size;
        if (position < next) {
          n += zeros(b, off + n, (int) Math.min(len - n, next - position));
          continue;
        }
        currentStart = next;
        current = verifiedOrStop(takeNext());
      }
      n += copyFromCurrent(b, off + n, len - n);
    }
    return n;
  }

  /**
   * Obtains every block the stream did not reach, in order and within the window, keeping nothing;
   * returns every block that could not be verified (the one that ended the stream included).
   */
  List<BadBlock> drain() throws IOException {
    current = null;
    while (taken < blocks.size()) {
      submitUpToWindow();
      int index = blocks.get(taken).index();
      Obtained o = takeNext();
      released++;
      if (o.data() == null) {
        bad.add(new BadBlock(index, o.problem()));
      }
    }
    return bad.stream().sorted(Comparator.comparingInt(BadBlock::index)).toList();
  }

  private int zeros(byte[] b, int off, int n) {
    Arrays.fill(b, off, off + n, (byte) 0);
    position += n;
    return n;
  }

  private int copyFromCurrent(byte[] b, int off, int len) {
    int from = (int) (position - currentStart);
    int n = Math.min(len, blockSize - from);
    System.arraycopy(current, from, b, off, n);
    position += n;
    if (from + n == blockSize) {
      current = null;
      released++;
      submitUpToWindow();
    }
    return n;
  }

  private byte[] verifiedOrStop(Obtained o) throws IOException {
    if (o.data() == null) {
      BadBlock b = new BadBlock(blocks.get(taken - 1).index(), o.problem());
      bad.add(b);
      released++;
      throw new IOException("block " + b.index() + " could not be verified: " + b.reason());
    }
    return o.data();
  }

  private void submitUpToWindow() {
    while (submitted < blocks.size() && submitted - released < window) {
      Block b = blocks.get(submitted++);
      ahead.add(pool.submit(() -> work.apply(b)));
    }
    mostHeld = Math.max(mostHeld, submitted - released);
  }

  /** Waits for the next block in volume order; a fetcher that failed outright fails the stream, never hangs it. */
  private Obtained takeNext() throws IOException {
    Future<Obtained> f = ahead.poll();
    int index = blocks.get(taken++).index();
    submitUpToWindow();
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for block " + index);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException("Failed to obtain block " + index + ": " + cause.getMessage(), cause);
    }
  }

  private long offset(Block b) {
    return (long) b.index() * blockSize;
  }
}
