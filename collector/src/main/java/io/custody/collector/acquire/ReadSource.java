package io.custody.collector.acquire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positional reads of a device or image; the seam where failing sectors can be simulated in tests. */
public interface ReadSource extends AutoCloseable {

  long size();

  /** Reads up to {@code len} bytes at {@code offset}; -1 at the end. */
  int read(long offset, byte[] b, int off, int len) throws IOException;

  @Override
  void close() throws IOException;

  /** Opens a file or block device read-only. */
  static ReadSource open(Path path, long size) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    return new ReadSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public int read(long offset, byte[] b, int off, int len) throws IOException {
        return ch.read(ByteBuffer.wrap(b, off, len), offset);
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }
}
