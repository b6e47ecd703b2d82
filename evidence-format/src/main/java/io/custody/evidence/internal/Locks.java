package io.custody.evidence.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = LOCAL.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock();
    if (local.getHoldCount() > 1) {
      // Re-entry by the same thread: the file lock is already held.
      return local::unlock;
    }
    try {
      Files.createDirectories(key.getParent());
      FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock fl;
      try {
        fl = ch.lock();
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      return () -> {
        try {
          fl.release();
          ch.close();
        } finally {
          local.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }
}
