package io.custody.evidence.hash;

import java.io.IOException;

/**
 * Receives the bytes of a hashing session, in order, on a thread of its own. The engine calls
 * {@link #accept} for every chunk, then exactly one of {@link #finish} (all bytes delivered) or
 * {@link #abort} (the session failed or was closed early).
 */
public interface ChunkSink {

  /**
   * @param buffer the bytes; valid only during the call
   * @param length how many bytes of {@code buffer} are data
   * @param offset the offset of {@code buffer[0]} in the whole stream
   */
  void accept(byte[] buffer, int length, long offset) throws IOException;

  /** All bytes were delivered. */
  void finish() throws IOException;

  /** The session failed; release resources and remove anything half-written. Must not throw. */
  void abort();
}
