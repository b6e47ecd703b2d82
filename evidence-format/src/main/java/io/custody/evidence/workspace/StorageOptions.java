package io.custody.evidence.workspace;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.segment.Compression;
import java.util.EnumSet;

/**
 * How an item is hashed and stored, as the examiner asked: MD5 and SHA-1 beside SHA-256 (same read),
 * compression and segment size. Unset parts take the item type's defaults (disk and memory: zstd
 * segments of 1 GiB; others: one plain file); zstd asked for a non-image item splits it into 1 GiB
 * segments too, so each stays an independent zstd frame of bounded size.
 *
 * @param compression null for the type's default
 * @param segmentSize 0 for the type's default
 */
public record StorageOptions(boolean md5, boolean sha1, Compression compression, long segmentSize) {

  public StorageOptions {
    if (segmentSize != 0 && segmentSize < (1 << 20)) {
      throw new InvalidInputException("Failed to use --segment-size " + segmentSize + ": at least 1M");
    }
  }

  public static StorageOptions defaults() {
    return new StorageOptions(false, false, null, 0);
  }

  /** The item to acquire: these options over the type's defaults. */
  public ItemSpec spec(ItemType type, String sourceId, String fileName, String origin) {
    ItemSpec spec = ItemSpec.of(type, sourceId, fileName).origin(origin);
    EnumSet<HashAlgorithm> algs = EnumSet.of(HashAlgorithm.SHA256);
    if (md5) {
      algs.add(HashAlgorithm.MD5);
    }
    if (sha1) {
      algs.add(HashAlgorithm.SHA1);
    }
    spec.algorithms(algs);
    if (compression != null) {
      spec.compression(compression);
    }
    if (segmentSize > 0) {
      spec.segmentSize(segmentSize);
    } else if (compression == Compression.ZSTD && !type.image()) {
      spec.segmentSize(ItemType.DEFAULT_SEGMENT_SIZE);
    }
    return spec;
  }
}
