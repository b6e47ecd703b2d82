package io.custody.evidence.hash;

import io.custody.evidence.HashAlgorithm;
import java.security.MessageDigest;

/** One whole-stream digest, fed on its own thread. */
final class DigestSink implements ChunkSink {

  private final HashAlgorithm algorithm;
  private final MessageDigest digest;
  private byte[] result;

  DigestSink(HashAlgorithm algorithm) {
    this.algorithm = algorithm;
    this.digest = algorithm.newDigest();
  }

  HashAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public void accept(byte[] buffer, int length, long offset) {
    digest.update(buffer, 0, length);
  }

  @Override
  public void finish() {
    result = digest.digest();
  }

  @Override
  public void abort() {}

  byte[] result() {
    return result;
  }
}
