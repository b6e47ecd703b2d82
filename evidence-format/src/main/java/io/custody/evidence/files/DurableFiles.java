package io.custody.evidence.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Files written once: created new, written whole, fsynced with their folder. */
public final class DurableFiles {

  private DurableFiles() {}

  /**
   * Creates {@code file} (it must not exist), writes {@code bytes}, fsyncs the file and its folder.
   */
  public static void writeNew(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    fsyncDir(file.getParent());
  }

  /** Makes a folder's entries (new, renamed, deleted files) durable. */
  public static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
