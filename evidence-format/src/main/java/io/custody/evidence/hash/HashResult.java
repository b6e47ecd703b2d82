package io.custody.evidence.hash;

import io.custody.evidence.Hashes;
import java.util.List;

/**
 * What a hashing session measured.
 *
 * @param size bytes hashed
 * @param hashes whole-stream digests
 * @param pieces per-piece SHA-256 in order; empty when no piece size was set
 */
public record HashResult(long size, Hashes hashes, List<Piece> pieces) {
  public HashResult {
    pieces = List.copyOf(pieces);
  }
}
