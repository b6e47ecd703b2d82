package io.custody.collector.acquire;

import io.custody.analyzer.mount.BlockDevice;
import io.custody.evidence.HostException;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.PendingItem;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Images a block device or an image file into a case: a block device is set read-only in the kernel
 * before its first byte is read; the whole device goes once through the hashing engine into zstd
 * segments; unreadable sectors are zero-filled, listed in {@code unreadable-ranges.csv} and make the
 * acquisition partial.
 */
public final class DeviceImager {

  /** The item, and what could not be read. */
  public record Result(Item item, List<UnreadableRange> unreadable) {
    public boolean partial() {
      return !unreadable.isEmpty();
    }
  }

  private DeviceImager() {}

  /** Opens the device (read-only in the kernel first when it is a block device) and images it. */
  public static Result image(Case kase, Path device, String sourceId, String origin, StorageOptions options, ProgressListener progress) {
    long size;
    try {
      if (Files.isRegularFile(device)) {
        size = Files.size(device);
      } else {
        BlockDevice.setReadOnly(device);
        size = BlockDevice.size(device);
      }
    } catch (IOException e) {
      throw new HostException("Failed to open '" + device + "': " + e.getMessage(), e);
    }
    try (ReadSource src = ReadSource.open(device, size)) {
      return image(kase, src, sourceId, origin, options, progress);
    } catch (IOException e) {
      throw new HostException("Failed to read '" + device + "': " + e.getMessage(), e);
    }
  }

  /** Images any source: the seam tests use for failing sectors. */
  static Result image(Case kase, ReadSource src, String sourceId, String origin, StorageOptions options, ProgressListener progress) {
    return image(kase, src, sourceId, origin, options, progress, java.util.Map.of());
  }

  /** Images a source and adds side files (e.g. AWS's block checksums) to the item. */
  static Result image(Case kase, ReadSource src, String sourceId, String origin, StorageOptions options, ProgressListener progress,
      java.util.Map<String, byte[]> sideFiles) {
    try (PendingItem pending = kase.begin(options.spec(ItemType.DISK, sourceId, "image.raw", origin))) {
      SectorReader reader = new SectorReader(src);
      HashResult r;
      try {
        r = pending.write(reader, src.size(), progress);
      } catch (IOException e) {
        throw new HostException("Failed to image '" + sourceId + "': " + e.getMessage(), e);
      }
      if (r.size() != src.size()) {
        pending.fail("read " + r.size() + " bytes of " + src.size());
        throw new HostException("Failed to image '" + sourceId + "': read " + r.size() + " of " + src.size() + " bytes");
      }
      for (var f : sideFiles.entrySet()) {
        try {
          pending.addFile(f.getKey(), f.getValue());
        } catch (IOException e) {
          throw new HostException("Failed to add " + f.getKey() + " to '" + sourceId + "': " + e.getMessage(), e);
        }
      }
      List<UnreadableRange> bad = reader.unreadable();
      String notes = null;
      if (!bad.isEmpty()) {
        StringBuilder csv = new StringBuilder("offset,length,fill,error\n");
        long total = 0;
        for (UnreadableRange u : bad) {
          csv.append(u.offset()).append(',').append(u.length()).append(",0x00,").append(u.error().replace(',', ';').replace('\n', ' ')).append('\n');
          total += u.length();
        }
        try {
          pending.addFile("unreadable-ranges.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new HostException("Failed to record unreadable ranges of '" + sourceId + "': " + e.getMessage(), e);
        }
        notes = "PARTIAL: " + total + " bytes in " + bad.size() + " range(s) could not be read and are zero-filled (first at offset "
            + bad.get(0).offset() + "); see unreadable-ranges.csv";
      }
      Item item = pending.commit(bad.isEmpty() ? Outcome.SUCCEEDED : Outcome.PARTIAL, notes);
      return new Result(item, bad);
    }
  }
}
