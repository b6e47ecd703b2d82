package io.custody.evidence.hash;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what is read through it into a shared counter and tells a progress listener; several streams
 * read one after another (the files of a bundle) can share one counter and one total.
 */
public final class ProgressInputStream extends FilterInputStream {

  private final AtomicLong counter;
  private final long total;
  private final ProgressListener progress;

  public ProgressInputStream(InputStream in, AtomicLong counter, long total, ProgressListener progress) {
    super(in);
    this.counter = counter;
    this.total = total;
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      progress.progress(counter.incrementAndGet(), total);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      progress.progress(counter.addAndGet(n), total);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    if (s > 0) {
      progress.progress(counter.addAndGet(s), total);
    }
    return s;
  }
}
