package io.custody.evidence.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code items/item-NNN.pending} file of an acquisition in progress: it names the item's folder
 * and its intent entry, and is locked for as long as the acquiring process lives. A pending file
 * nobody holds belongs to an acquisition whose process died.
 */
final class Reservation implements AutoCloseable {

  /** Reservations held by this JVM: never opened twice (closing a second channel would drop the lock). */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private Reservation(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates and locks a new reservation naming the item's folder. */
  static Reservation create(Path file, String dir) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock = ch.lock();
    Reservation r = new Reservation(file.toAbsolutePath().normalize(), ch, lock);
    LIVE.add(r.file);
    r.write(dir + "\n");
    return r;
  }

  /** Adds the seq of the intent entry (second line). */
  void recordIntent(long seq) throws IOException {
    write(seq + "\n");
  }

  private void write(String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      channel.write(b, channel.size());
    }
    channel.force(true);
  }

  /** Ends the reservation of an acquisition that did not complete: kept as {@code .failed} so its id is never reused. */
  @Override
  public void close() throws IOException {
    end(false);
  }

  /** Ends the reservation of a committed item (its record now exists). */
  void commit() throws IOException {
    end(true);
  }

  private void end(boolean committed) throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (committed) {
        Files.deleteIfExists(file);
      } else {
        retire(file);
      }
    } finally {
      LIVE.remove(file);
      lock.release();
      channel.close();
    }
  }

  /**
   * Lets go of the reservation but keeps it pending: the item's record exists and its outcome entry
   * could not be written, so the next {@link Case#recoverInterrupted} writes it.
   */
  void release() {
    if (closed) {
      return;
    }
    closed = true;
    LIVE.remove(file);
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      System.err.println("custody: warning: could not release reservation " + file.getFileName() + ": " + e.getMessage());
    }
  }

  /** Renames a reservation to {@code item-NNN.failed}. */
  static void retire(Path file) throws IOException {
    Files.move(file, file.resolveSibling(file.getFileName().toString().replace(".pending", ".failed")),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** What a stale reservation says: the item's folder and, when it got that far, its intent's seq. */
  record Stale(Path file, String dir, Long intentSeq) {}

  /**
   * The reservation's content when no process holds it any more, else empty (still running here or
   * in another process).
   */
  static Optional<Stale> ifStale(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    if (LIVE.contains(key)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        return Optional.empty();
      }
      if (lock == null) {
        return Optional.empty();
      }
      try {
        String[] lines = Files.readString(key, StandardCharsets.UTF_8).split("\n");
        String dir = lines.length > 0 && !lines[0].isBlank() ? lines[0].trim() : null;
        Long seq = null;
        if (lines.length > 1) {
          try {
            seq = Long.parseLong(lines[1].trim());
          } catch (NumberFormatException e) {
            seq = null;
          }
        }
        return Optional.of(new Stale(key, dir, seq));
      } finally {
        lock.release();
      }
    }
  }
}
