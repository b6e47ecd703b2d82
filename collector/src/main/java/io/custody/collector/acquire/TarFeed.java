package io.custody.collector.acquire;

import io.custody.evidence.files.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A POSIX tar archive produced as it is read: the reader pulls, and each pull writes the next piece of
 * the archive (a header, a chunk of the current entry, the end blocks) into a small buffer. Nothing is
 * held whole; memory stays at a chunk and a tar block whatever the entries' sizes. Entries are regular
 * files with their names exactly as given (pax headers for long or non-ASCII names), mode 0444, owner
 * 0:0 and the given modification time. An entry whose data is not exactly its declared size fails the
 * read.
 */
final class TarFeed extends BulkInputStream {

  /** The next entry, or null when there is none; its data stream is closed once copied. */
  interface Source {
    Entry next() throws IOException;
  }

  /** One file of the archive. */
  record Entry(String name, long size, Instant modified, InputStream data) {}

  private static final int CHUNK = 1 << 16;

  private final Source source;
  private final Buffer out = new Buffer();
  private final TarArchiveOutputStream tar;
  private final byte[] chunk = new byte[CHUNK];
  private Entry current;
  private long copied;
  private boolean finished;

  TarFeed(Source source) {
    this.source = source;
    this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (out.available() == 0) {
      if (!step()) {
        return -1;
      }
    }
    return out.drain(b, off, len);
  }

  /** Writes the next piece of the archive; false when everything has been written. */
  private boolean step() throws IOException {
    if (current != null) {
      int n = current.data().read(chunk, 0, (int) Math.min(CHUNK, Math.max(1, current.size() - copied + 1)));
      if (n > 0) {
        copied += n;
        if (copied > current.size()) {
          throw new IOException("entry '" + current.name() + "' holds more than its " + current.size() + " bytes");
        }
        tar.write(chunk, 0, n);
        return true;
      }
      if (copied != current.size()) {
        throw new IOException("entry '" + current.name() + "' ended after " + copied + " of its " + current.size() + " bytes");
      }
      current.data().close();
      current = null;
      tar.closeArchiveEntry();
      return true;
    }
    if (finished) {
      return false;
    }
    Entry next = source.next();
    if (next == null) {
      tar.finish();
      tar.close();
      finished = true;
      return true;
    }
    TarArchiveEntry e = new TarArchiveEntry(next.name(), TarArchiveEntry.LF_NORMAL, true);
    e.setSize(next.size());
    e.setMode(0100444);
    e.setModTime(Date.from(next.modified()));
    e.setIds(0, 0);
    e.setNames("", "");
    tar.putArchiveEntry(e);
    current = next;
    copied = 0;
    return true;
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.data().close();
      current = null;
    }
  }

  /** Where the archive stream writes and the reader drains: grows to one chunk plus a tar record at most. */
  private static final class Buffer extends OutputStream {
    private byte[] buf = new byte[CHUNK + 16 * 1024];
    private int start;
    private int end;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (start == end) {
        start = 0;
        end = 0;
      }
      if (end + len > buf.length) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
        if (end + len > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
        }
      }
      System.arraycopy(b, off, buf, end, len);
      end += len;
    }

    int available() {
      return end - start;
    }

    int drain(byte[] b, int off, int len) {
      int n = Math.min(len, end - start);
      System.arraycopy(buf, start, b, off, n);
      start += n;
      return n;
    }
  }
}
