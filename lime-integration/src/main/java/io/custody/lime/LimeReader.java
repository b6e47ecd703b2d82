package io.custody.lime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a LiME file or stream to its end with a {@link LimeParser}, in constant memory. {@link #tap}
 * parses a stream while another consumer (the hashing engine) reads it, so one read of the evidence
 * both stores and validates it.
 */
public final class LimeReader {

  private static final int BUFFER = 1 << 20;

  private LimeReader() {}

  /**
   * @throws IOException when the file cannot be read (structural problems are findings, not errors)
   */
  public static LimeLayout read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    }
  }

  /** Reads {@code in} to its end (it is not closed). */
  public static LimeLayout read(InputStream in) throws IOException {
    LimeParser p = new LimeParser();
    byte[] buf = new byte[BUFFER];
    int n;
    while ((n = in.read(buf)) > 0) {
      p.update(buf, 0, n);
    }
    return p.finish();
  }

  /** A stream that hands every byte it passes on to {@code parser} too. */
  public static InputStream tap(InputStream in, LimeParser parser) {
    return new Tap(in, parser);
  }

  private static final class Tap extends FilterInputStream {
    private final LimeParser parser;

    Tap(InputStream in, LimeParser parser) {
      super(in);
      this.parser = parser;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        parser.update(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        parser.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes would be invisible to the parser.
      byte[] buf = new byte[(int) Math.min(n, BUFFER)];
      int r = read(buf, 0, buf.length);
      return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
