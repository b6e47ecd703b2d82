package io.custody.evidence.hash;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** SHA-256 of every {@code pieceSize} bytes, whatever the chunk boundaries. */
final class PieceSink implements ChunkSink {

  private final long pieceSize;
  private final MessageDigest digest = HashAlgorithm.SHA256.newDigest();
  private final List<Piece> pieces = new ArrayList<>();
  private long pieceStart;
  private long inPiece;

  PieceSink(long pieceSize) {
    if (pieceSize <= 0) {
      throw new IllegalArgumentException("piece size must be positive");
    }
    this.pieceSize = pieceSize;
  }

  @Override
  public void accept(byte[] buffer, int length, long offset) {
    int pos = 0;
    while (pos < length) {
      int n = (int) Math.min(length - pos, pieceSize - inPiece);
      digest.update(buffer, pos, n);
      pos += n;
      inPiece += n;
      if (inPiece == pieceSize) {
        closePiece();
      }
    }
  }

  private void closePiece() {
    pieces.add(new Piece(pieces.size() + 1, pieceStart, inPiece, Sha256.of(digest.digest())));
    pieceStart += inPiece;
    inPiece = 0;
  }

  @Override
  public void finish() {
    // An empty stream still has one (empty) piece, so every item has at least one segment hash.
    if (inPiece > 0 || pieces.isEmpty()) {
      closePiece();
    }
  }

  @Override
  public void abort() {}

  List<Piece> pieces() {
    return pieces;
  }
}
