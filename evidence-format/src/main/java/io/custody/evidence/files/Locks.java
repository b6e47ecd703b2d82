package io.custody.evidence.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive file locks that also serialise the threads of this JVM. A {@link FileLock} alone is per
 * process: two threads of one JVM asking for it get an exception, and POSIX drops every lock of the
 * process when any descriptor of the file closes, so one JVM must hold at most one channel per lock
 * file at a time.
 */
public final class Locks {

  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

  private Locks() {}

  /** A held lock; close to release. */
  public interface Held extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** Blocks until this thread holds the lock of {@code lockFile} (created if missing). */
  public static Held exclusive(Path lockFile) throws IOException {
    return take(lockFile, true).orElseThrow();
  }

  /**
   * Takes the lock of {@code lockFile} if nobody holds it (another process, another thread of this
   * one, or this thread: unlike {@link #exclusive}, it is not re-entrant); empty otherwise. The OS
   * releases it when the process dies, so a holder that finds unfinished work of an earlier holder
   * knows that holder is gone.
   */
  public static Optional<Held> tryExclusive(Path lockFile) throws IOException {
    return take(lockFile, false);
  }

  private static Optional<Held> take(Path lockFile, boolean wait) throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = LOCAL.computeIfAbsent(key, k -> new ReentrantLock());
    if (wait) {
      local.lock();
    } else if (local.isHeldByCurrentThread() || !local.tryLock()) {
      return Optional.empty();
    }
    if (local.getHoldCount() > 1) {
      // Re-entry by the same thread: the file lock is already held.
      return Optional.of(local::unlock);
    }
    try {
      Files.createDirectories(key.getParent());
      FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock fl;
      try {
        fl = wait ? ch.lock() : ch.tryLock();
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      if (fl == null) {
        ch.close();
        local.unlock();
        return Optional.empty();
      }
      return Optional.of(() -> {
        try {
          fl.release();
          ch.close();
        } finally {
          local.unlock();
        }
      });
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }
}
