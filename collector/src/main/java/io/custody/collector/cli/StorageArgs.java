package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.StorageOptions;
import picocli.CommandLine.Option;

/** How an acquired item is hashed and stored: {@code --md5 --sha1 --compress --segment-size}. */
final class StorageArgs {

  @Option(names = "--md5", description = "Also MD5 (same read).")
  boolean md5;

  @Option(names = "--sha1", description = "Also SHA-1 (same read).")
  boolean sha1;

  @Option(names = "--compress", paramLabel = "zstd|none",
      description = "Stored segments compressed with zstd or not (default: zstd for disk and memory, none otherwise).")
  String compress;

  @Option(names = "--segment-size", paramLabel = "SIZE",
      description = "Raw bytes per stored file, e.g. 1G (default for disk and memory: 1G; others: one file).")
  String segmentSize;

  StorageOptions options() {
    return new StorageOptions(md5, sha1, compress == null ? null : Compression.parse(compress), segmentSize == null ? 0 : ByteSize.parse(segmentSize));
  }
}
