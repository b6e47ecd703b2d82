package io.custody.collector.aws;

import io.custody.evidence.ids.SnapshotId;
import java.util.List;

/**
 * The EBS direct APIs: which blocks of a snapshot hold data, and each block's bytes with AWS's
 * SHA-256. Sizes come from the responses (AWS says 524288-byte blocks; emulators may say otherwise).
 */
public interface EbsDirectGateway {

  /** Every listed block of the snapshot (all pages), the volume size and the block size. */
  SnapshotBlocks listBlocks(SnapshotId snapshot);

  /** One block's bytes and AWS's checksum of them. */
  BlockData getBlock(SnapshotId snapshot, int index, String token);

  /** A listed block. */
  record Block(int index, String token) {}

  /** The listing. */
  record SnapshotBlocks(long volumeSizeGiB, int blockSize, List<Block> blocks) {}

  /**
   * @param checksum base64 SHA-256 as AWS returns it
   * @param checksumAlgorithm e.g. SHA256
   */
  record BlockData(byte[] data, String checksum, String checksumAlgorithm, Integer dataLength) {}
}
