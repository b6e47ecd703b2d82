package io.custody.collector.acquire;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.util.EnumSet;

/**
 * How a disk image is stored and hashed: MD5/SHA-1 beside SHA-256 on request, zstd segments of 1 GiB
 * unless told otherwise.
 *
 * @param compression null for the default (zstd)
 * @param segmentSize 0 for the default (1 GiB)
 */
public record ImageOptions(boolean md5, boolean sha1, Compression compression, long segmentSize) {

  public ImageOptions {
    if (segmentSize != 0 && segmentSize < (1 << 20)) {
      throw new InvalidInputException("Failed to use --segment-size " + segmentSize + ": at least 1M");
    }
  }

  public static ImageOptions defaults() {
    return new ImageOptions(false, false, null, 0);
  }

  ItemSpec spec(String sourceId, String origin) {
    ItemSpec spec = ItemSpec.of(ItemType.DISK, sourceId, "image.raw").origin(origin);
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
    }
    return spec;
  }
}
