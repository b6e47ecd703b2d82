package io.custody.collector.acquire;

import io.custody.evidence.files.BulkInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a source front to back for the hashing engine. A read that fails (EIO from a bad sector) is
 * retried sector by sector; sectors that still fail are filled with zeros and recorded with their
 * offset, so the acquisition goes on and says exactly what it could not read.
 */
final class SectorReader extends BulkInputStream {

  static final int SECTOR = 512;
  private static final int CHUNK = 1 << 20;
  private static final int RETRIES = 3;

  private final ReadSource source;
  private final List<UnreadableRange> unreadable = new ArrayList<>();
  private long position;

  SectorReader(ReadSource source) {
    this.source = source;
  }

  List<UnreadableRange> unreadable() {
    return unreadable;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long left = source.size() - position;
    if (left <= 0) {
      return -1;
    }
    int want = (int) Math.min(Math.min(len, CHUNK), left);
    int n;
    try {
      n = source.read(position, b, off, want);
    } catch (IOException e) {
      n = salvage(b, off, want);
    }
    if (n < 0) {
      throw new IOException("the source ended at offset " + position + " before its size " + source.size());
    }
    position += n;
    return n;
  }

  /** Reads the failed range sector by sector; what stays unreadable becomes zeros. */
  private int salvage(byte[] b, int off, int want) {
    int done = 0;
    while (done < want) {
      int n = (int) Math.min(SECTOR - ((position + done) % SECTOR), want - done);
      long at = position + done;
      String error = null;
      int got = -1;
      for (int attempt = 0; attempt < RETRIES && got < n; attempt++) {
        try {
          got = readFully(at, b, off + done, n);
        } catch (IOException e) {
          error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          got = -1;
        }
      }
      if (got < n) {
        java.util.Arrays.fill(b, off + done, off + done + n, (byte) 0);
        record(at, n, error == null ? "short read" : error);
      }
      done += n;
    }
    return done;
  }

  private int readFully(long at, byte[] b, int off, int n) throws IOException {
    int got = 0;
    while (got < n) {
      int r = source.read(at + got, b, off + got, n - got);
      if (r < 0) {
        return got;
      }
      got += r;
    }
    return got;
  }

  private void record(long at, int n, String error) {
    if (!unreadable.isEmpty()) {
      UnreadableRange last = unreadable.get(unreadable.size() - 1);
      if (last.offset() + last.length() == at && last.error().equals(error)) {
        unreadable.set(unreadable.size() - 1, new UnreadableRange(last.offset(), last.length() + n, error));
        return;
      }
    }
    unreadable.add(new UnreadableRange(at, n, error));
  }
}
