package io.custody.collector.host;

import io.custody.evidence.HostException;
import io.custody.evidence.ids.VolumeId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Finds the block device of an attached EBS volume by its serial number, which for EBS is the volume
 * id without the hyphen: {@code <sysfs>/block/nvme*}{@code /device/serial}, then
 * {@code <dev>/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol…}, then Xen {@code xvd*} devices only
 * when a serial proves them. Never guesses by name. The sysfs and /dev roots are settable so tests
 * can use a prepared tree.
 */
public final class DeviceFinder {

  private final Path sysfs;
  private final Path dev;

  public DeviceFinder(Path sysfs, Path dev) {
    this.sysfs = sysfs;
    this.dev = dev;
  }

  public static DeviceFinder system() {
    return new DeviceFinder(Path.of("/sys"), Path.of("/dev"));
  }

  /** The device whose serial is the volume's id, if attached now. */
  public Optional<Path> find(VolumeId volume) {
    String serial = volume.value().replace("-", "");
    try {
      Path block = sysfs.resolve("block");
      if (Files.isDirectory(block)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(block)) {
          for (Path d : ds) {
            String name = d.getFileName().toString();
            if ((name.startsWith("nvme") || name.startsWith("xvd")) && serial.equals(readSerial(d.resolve("device/serial")))) {
              return Optional.of(dev.resolve(name));
            }
          }
        }
      }
      Path byId = dev.resolve("disk/by-id/nvme-Amazon_Elastic_Block_Store_" + serial);
      if (Files.isSymbolicLink(byId)) {
        return Optional.of(byId.getParent().resolve(Files.readSymbolicLink(byId)).normalize());
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new HostException("Failed to look for the device of '" + volume + "': " + e.getMessage(), e);
    }
  }

  /**
   * Waits for the volume's device to appear.
   *
   * @throws HostException when it does not within the timeout
   */
  public Path await(VolumeId volume, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Optional<Path> d = find(volume);
      if (d.isPresent()) {
        return d.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new HostException("Failed to find the device of volume '" + volume + "': no block device with serial "
            + volume.value().replace("-", "") + " appeared within " + timeout.toSeconds() + " s (looked in " + sysfs.resolve("block") + " and "
            + dev.resolve("disk/by-id") + ")");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HostException("Failed to find the device of volume '" + volume + "': interrupted", e);
      }
    }
  }

  private static String readSerial(Path p) throws IOException {
    if (!Files.isRegularFile(p) || Files.size(p) > 4096) {
      return null;
    }
    return Files.readString(p).trim();
  }
}
