package io.custody.evidence.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that reads in blocks: its one-byte {@link #read()} goes through {@link
 * #read(byte[], int, int)}, the only read a subclass writes.
 */
public abstract class BulkInputStream extends InputStream {

  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
