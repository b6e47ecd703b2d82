package io.custody.evidence.hash;

import io.custody.evidence.Sha256;

/**
 * The SHA-256 of one fixed-size piece of a stream.
 *
 * @param index 1-based piece number
 * @param offset offset of the first byte in the stream
 * @param length bytes in the piece (the last may be short)
 */
public record Piece(int index, long offset, long length, Sha256 sha256) {}
