package io.custody.collector.acquire;

import io.custody.evidence.testing.MotoServer;
import java.nio.file.Path;

/** Where the shared corpus is. */
final class PartitionTableRoot {
  private PartitionTableRoot() {}

  static Path corpus(String rel) {
    return MotoServer.repo().resolve("../shared/corpus/disk").resolve(rel).normalize();
  }
}
