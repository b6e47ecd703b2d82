package io.custody.collector.acquire;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.files.Locks;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.workspace.Case;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One memory capture of an instance per case at a time: an OS file lock ({@code
 * memory-<instance>.lock} in the case folder, never sealed) held for the whole capture. The OS
 * releases it when the process dies, so a capture that finds an intent without an outcome while it
 * holds the lock knows that run is dead, not still running.
 */
final class CaptureLock implements AutoCloseable {

  private final Locks.Held held;

  private CaptureLock(Locks.Held held) {
    this.held = held;
  }

  /** @throws InvalidInputException when another capture of the instance holds it */
  static CaptureLock take(Case kase, InstanceId instance) {
    Path file = kase.dir().resolve("memory-" + instance + ".lock");
    try {
      return new CaptureLock(Locks.tryExclusive(file).orElseThrow(() -> new InvalidInputException("Failed to capture memory of '"
          + instance + "': another capture of it is running in case '" + kase.id() + "'")));
    } catch (IOException e) {
      throw new HostException("Failed to lock '" + file + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      held.close();
    } catch (IOException e) {
      // closing the channel failed: the OS releases the lock with the process
    }
  }
}
