package io.custody.lime.capture;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.workspace.Case;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One memory capture of an instance per case at a time: an OS file lock ({@code
 * memory-<instance>.lock} in the case folder, never sealed) held for the whole capture. The OS
 * releases it when the process dies, so a capture that finds an intent without an outcome while it
 * holds the lock knows that run is dead, not still running.
 */
final class CaptureLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private CaptureLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws InvalidInputException when another capture of the instance holds it */
  static CaptureLock take(Case kase, String instanceId) {
    Path file = kase.dir().resolve("memory-" + instanceId + ".lock");
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = ch.tryLock();
      if (l == null) {
        throw new OverlappingFileLockException();
      }
      return new CaptureLock(ch, l);
    } catch (OverlappingFileLockException e) {
      close(ch);
      throw new InvalidInputException("Failed to capture memory of '" + instanceId + "': another capture of it is running in case '" + kase.id() + "'");
    } catch (IOException e) {
      close(ch);
      throw new HostException("Failed to lock '" + file + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    close(channel);
  }

  private static void close(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing held any more
      }
    }
  }
}
