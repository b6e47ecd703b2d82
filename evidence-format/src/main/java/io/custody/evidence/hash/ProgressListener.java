package io.custody.evidence.hash;

/**
 * Receives progress of a long byte-moving step. Called from one thread, often; keep it cheap.
 */
@FunctionalInterface
public interface ProgressListener {

  /** Does nothing. */
  ProgressListener NONE = (done, total) -> {};

  /**
   * @param bytesDone bytes handled so far
   * @param bytesTotal the expected total, or -1 when unknown
   */
  void progress(long bytesDone, long bytesTotal);
}
