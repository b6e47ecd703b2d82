package io.custody.evidence.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream whose unchecked failures of one kind surface as {@link IOException}, so that callers that
 * handle a stream's failures (a download cut short, a decompressor refusing hostile input) handle
 * these too: an SDK's exceptions, or what a decompressor throws where it should not.
 */
public final class FailuresAsIo extends FilterInputStream {

  private final Class<? extends RuntimeException> kind;

  /**
   * @param kind the unchecked exceptions to turn into IOException (others pass as they are)
   */
  public FailuresAsIo(InputStream in, Class<? extends RuntimeException> kind) {
    super(in);
    this.kind = kind;
  }

  @Override
  public int read() throws IOException {
    try {
      return in.read();
    } catch (RuntimeException e) {
      throw asIo(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (RuntimeException e) {
      throw asIo(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } catch (RuntimeException e) {
      throw asIo(e);
    }
  }

  private IOException asIo(RuntimeException e) {
    if (!kind.isInstance(e)) {
      throw e;
    }
    return new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }
}
