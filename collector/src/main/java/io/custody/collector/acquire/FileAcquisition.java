package io.custody.collector.acquire;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code custody case add}: a file or block device read once (never written) into the case as an
 * evidence item, hashed and stored as the options say, recorded before and after.
 */
public final class FileAcquisition {

  private FileAcquisition() {}

  /**
   * @throws InvalidInputException when the file is not a readable file or device
   * @throws HostException when reading it fails
   */
  public static Item add(Case kase, Path file, ItemType type, String sourceId, StorageOptions options, ProgressListener progress) {
    if (!Files.isReadable(file) || Files.isDirectory(file)) {
      throw new InvalidInputException("Failed to acquire '" + file + "': not a readable file or device");
    }
    kase.toolLog("case add --type " + type.label() + " --source-id " + sourceId + " " + file.toAbsolutePath());
    long size = expectedSize(file);
    try (InputStream in = Files.newInputStream(file)) {
      return kase.add(options.spec(type, sourceId, file.getFileName().toString(), "file:" + file.toAbsolutePath()), in, size, progress);
    } catch (IOException e) {
      throw new HostException("Failed to read '" + file + "': " + e.getMessage(), e);
    }
  }

  /** The size of a regular file, or -1 (a device: known when read to its end). */
  public static long expectedSize(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
