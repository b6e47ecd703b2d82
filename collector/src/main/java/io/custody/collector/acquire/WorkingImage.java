package io.custody.collector.acquire;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a rerun of a direct acquisition resumes from: the sparse working image {@code image.raw} that
 * every verified block is written into, and {@code verified.csv} ({@code block_index,base64 sha256},
 * appended once the block is written). Blocks verified by an earlier run are read back through
 * {@link Reader} (the seam tests count reads with); nothing else is ever read from the image.
 * Thread-safe.
 */
final class WorkingImage implements AutoCloseable {

  /** Opens the working image for reading: {@link ReadSource#open} unless a test counts the reads. */
  @FunctionalInterface
  interface Reader {
    ReadSource open(Path image, long size) throws IOException;
  }

  private final Path dir;
  private final Path image;
  private final long size;
  private final int blockSize;
  private final Reader reader;
  private final FileChannel out;
  private final Writer verified;
  private final Map<Integer, String> checksums;
  private final int verifiedBefore;
  private ReadSource in;

  private WorkingImage(Path dir, long size, int blockSize, Reader reader, FileChannel out, Writer verified, Map<Integer, String> checksums) {
    this.dir = dir;
    this.image = dir.resolve("image.raw");
    this.size = size;
    this.blockSize = blockSize;
    this.reader = reader;
    this.out = out;
    this.verified = verified;
    this.checksums = checksums;
    this.verifiedBefore = checksums.size();
  }

  /** Opens (or creates, at the volume's full logical size and sparse) the working image in {@code dir}. */
  static WorkingImage open(Path dir, long size, int blockSize, Reader reader) throws IOException {
    Files.createDirectories(dir);
    Map<Integer, String> checksums = readVerified(dir.resolve("verified.csv"));
    FileChannel out = FileChannel.open(dir.resolve("image.raw"), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
    try {
      if (out.size() < size) {
        out.write(ByteBuffer.allocate(1), size - 1); // the full logical size; the rest stays a hole
      }
      Writer verified = Files.newBufferedWriter(dir.resolve("verified.csv"), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new WorkingImage(dir, size, blockSize, reader, out, verified, checksums);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** How many blocks earlier runs verified. */
  int verifiedBefore() {
    return verifiedBefore;
  }

  /** AWS's checksum of a block verified into the image (by this run or an earlier one), or null. */
  String checksum(int index) {
    return checksums.get(index);
  }

  /** Reads back a block an earlier run verified; the caller checks it against {@link #checksum}. */
  byte[] reread(int index) throws IOException {
    byte[] b = new byte[blockSize];
    long at = (long) index * blockSize;
    ReadSource src = reader();
    int got = 0;
    while (got < b.length) {
      int n = src.read(at + got, b, got, b.length - got);
      if (n < 0) {
        break; // a short image: the check fails and the block is fetched again
      }
      got += n;
    }
    return b;
  }

  /** Writes a verified block into the image, then lists it in {@code verified.csv}. */
  void keep(int index, byte[] data, String checksum) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(data);
    long at = (long) index * blockSize;
    while (buf.hasRemaining()) {
      out.write(buf, at + buf.position());
    }
    synchronized (verified) {
      verified.write(index + "," + checksum + "\n");
      verified.flush();
    }
    checksums.put(index, checksum);
  }

  /** Closes the files; blocks written so far are flushed to the disk for the next run. */
  @Override
  public void close() throws IOException {
    try (out; verified) {
      synchronized (this) {
        if (in != null) {
          in.close();
        }
      }
      out.force(true);
    } catch (ClosedChannelException e) {
      // a fetcher interrupted while writing closed the channel; verified.csv still says what is whole
    }
  }

  /** Removes a closed working image once its item is committed. */
  static void remove(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private synchronized ReadSource reader() throws IOException {
    if (in == null) {
      in = reader.open(image, size);
    }
    return in;
  }

  /**
   * The blocks earlier runs verified; the last line of a block wins. A torn line (a crash mid-write)
   * yields no entry or a checksum that fails the re-check, so the block is fetched again.
   */
  private static Map<Integer, String> readVerified(Path verified) throws IOException {
    Map<Integer, String> out = new ConcurrentHashMap<>();
    if (Files.exists(verified)) {
      for (String line : Files.readAllLines(verified, StandardCharsets.US_ASCII)) {
        int c = line.indexOf(',');
        if (c > 0 && line.endsWith("=")) {
          try {
            out.put(Integer.parseInt(line.substring(0, c)), line.substring(c + 1));
          } catch (NumberFormatException e) {
            // torn across two lines: not a block index
          }
        }
      }
    }
    return out;
  }
}
