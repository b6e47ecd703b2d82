package io.custody.collector.acquire;

import io.custody.collector.acquire.OrderedBlocks.Obtained;
import io.custody.collector.aws.EbsDirectGateway.Block;
import io.custody.collector.aws.EbsDirectGateway.BlockData;
import io.custody.collector.aws.EbsDirectGateway;
import io.custody.evidence.ids.SnapshotId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * One block's verified bytes, the per-block work of the direct path: a block an earlier run verified
 * is read back from the working image and checked against AWS's checksum again; any other block (or
 * one that no longer matches) is fetched, its length and SHA-256 checked, retried with backoff up to
 * {@link #ATTEMPTS} times, and kept in the working image before it is handed on. Runs on the fetch
 * pool, many blocks at once.
 */
final class BlockFetch {

  static final int ATTEMPTS = 4;

  private final EbsDirectGateway ebs;
  private final SnapshotId snapshot;
  private final int blockSize;
  private final WorkingImage work;
  private final long backoffMillis;
  private volatile boolean stopped;

  BlockFetch(EbsDirectGateway ebs, SnapshotId snapshot, int blockSize, WorkingImage work, long backoffMillis) {
    this.ebs = ebs;
    this.snapshot = snapshot;
    this.blockSize = blockSize;
    this.work = work;
    this.backoffMillis = backoffMillis;
  }

  /** No further attempts: what is running ends at its next attempt, even if the gateway swallowed the interrupt. */
  void stop() {
    stopped = true;
  }

  /**
   * @throws UncheckedIOException when the working image cannot be written (a host failure, not the block's)
   */
  Obtained obtain(Block b) {
    byte[] kept = keptEarlier(b.index());
    return kept != null ? Obtained.verified(kept) : fetch(b);
  }

  /** The block as an earlier run kept it, when it still matches the checksum recorded then; else null. */
  private byte[] keptEarlier(int index) {
    String recorded = work.checksum(index);
    if (recorded == null) {
      return null;
    }
    try {
      byte[] data = work.reread(index);
      return check(new BlockData(data, recorded, "SHA256", blockSize), blockSize) == null ? data : null;
    } catch (IOException e) {
      return null; // unreadable: fetched again like a block lost in a crash
    }
  }

  private Obtained fetch(Block b) {
    String problem = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (stopped) {
        return Obtained.failed("stopped after " + (attempt - 1) + " attempt(s)" + (problem == null ? "" : ": " + problem));
      }
      BlockData d = null;
      try {
        d = ebs.getBlock(snapshot, b.index(), b.token());
        problem = check(d, blockSize);
      } catch (RuntimeException e) {
        problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      if (problem == null) {
        keep(b.index(), d);
        return Obtained.verified(d.data());
      }
      if (attempt < ATTEMPTS && !backoff(attempt)) {
        return Obtained.failed("interrupted after " + attempt + " attempt(s): " + problem);
      }
    }
    return Obtained.failed(problem);
  }

  private void keep(int index, BlockData d) {
    try {
      work.keep(index, d.data(), d.checksum());
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write block " + index + " to the working image: " + e.getMessage(), e);
    }
  }

  /** Sleeps before the next attempt; false when interrupted (the pool is shutting down). */
  private boolean backoff(int attempt) {
    try {
      Thread.sleep(backoffMillis << (attempt - 1));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Why a block's bytes cannot be trusted, or null. */
  static String check(BlockData d, int blockSize) {
    if (d.data().length != blockSize) {
      return "length " + d.data().length + " is not the block size " + blockSize;
    }
    if (d.dataLength() != null && d.dataLength() != blockSize) {
      return "DataLength " + d.dataLength() + " is not the block size " + blockSize;
    }
    if (d.checksumAlgorithm() != null && !"SHA256".equals(d.checksumAlgorithm())) {
      return "unknown checksum algorithm " + d.checksumAlgorithm();
    }
    try {
      byte[] want = Base64.getDecoder().decode(d.checksum());
      byte[] got = MessageDigest.getInstance("SHA-256").digest(d.data());
      return MessageDigest.isEqual(want, got) ? null : "SHA-256 mismatch (AWS " + d.checksum() + ", data " + Base64.getEncoder().encodeToString(got) + ")";
    } catch (IllegalArgumentException | NullPointerException e) {
      return "no valid checksum from AWS";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
