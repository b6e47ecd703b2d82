package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.analyzer.mount.Mounter;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.host.DeviceFinder;
import io.custody.collector.host.Imds;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.StorageOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code custody acquire disk}: one disk into the case, from where it is: an EBS snapshot through a
 * volume attached to this workstation ({@link Volume}) or through the EBS direct APIs ({@link
 * Direct}), or a local block device or image file ({@link Device}). Each source says what it needs;
 * {@link #source} turns the command line's choices into one and refuses combinations that do not
 * belong together.
 */
public final class DiskAcquisition {

  /** How a snapshot is read. */
  public enum Method {
    VOLUME,
    DIRECT
  }

  /** Where the disk comes from. */
  public sealed interface Source permits Volume, Direct, Device {}

  /**
   * A snapshot through a volume attached here, found by its NVMe serial, set read-only.
   *
   * @param kmsKeyArn re-encrypt the snapshot with this key first, or null
   * @param availabilityZone the workstation's AZ, or null to ask instance metadata
   * @param workstation the workstation's instance id, or null to ask instance metadata
   * @param mount mount every filesystem read-only afterwards (the volume stays attached until umount)
   * @param mountAt where to mount, or null for the case's mount folder
   */
  public record Volume(SnapshotId snapshot, String kmsKeyArn, String availabilityZone, InstanceId workstation, boolean keepVolume,
      boolean mount, Path mountAt, Duration deviceTimeout, DeviceFinder finder, Imds imds) implements Source {}

  /** A snapshot through the EBS direct APIs, {@code concurrency} blocks at a time (1-256). */
  public record Direct(SnapshotId snapshot, int concurrency) implements Source {
    public Direct {
      if (concurrency < 1 || concurrency > 256) {
        throw new InvalidInputException("Failed to use --concurrency " + concurrency + ": between 1 and 256");
      }
    }
  }

  /** A local block device (set read-only before it is read) or an image file, and where it came from. */
  public record Device(Path path, String sourceId, boolean mount, Path mountAt) implements Source {
    public Device {
      if (sourceId == null) {
        throw new InvalidInputException("Failed to acquire '" + path + "': --source-id is required with --device");
      }
      if (!Files.exists(path)) {
        throw new InvalidInputException("Failed to acquire '" + path + "': no such device or file");
      }
    }
  }

  /**
   * The source the command line asks for: {@code snapshot} (with {@code method}) or {@code device},
   * exactly one of them; options of the volume path are refused with the direct path.
   */
  public static Source source(SnapshotId snapshot, Path device, String sourceId, Method method, int concurrency, Volume volumeOptions) {
    if ((snapshot == null) == (device == null)) {
      throw new InvalidInputException("Failed to acquire: give --snapshot or --device (one of them)");
    }
    if (device != null) {
      Containers.detect(device).ifPresent(c -> Containers.refuseUnreadable(c, device));
      return new Device(device, sourceId, volumeOptions.mount(), volumeOptions.mountAt());
    }
    if (method == Method.DIRECT) {
      if (volumeOptions.mount() || volumeOptions.kmsKeyArn() != null || volumeOptions.keepVolume()) {
        throw new InvalidInputException("Failed to acquire: --mount, --kms-key and --keep-volume belong to --method volume "
            + "(mount a direct-path item afterwards with custody mount)");
      }
      return new Direct(snapshot, concurrency);
    }
    return volumeOptions;
  }

  /** What was acquired, and what is left (mounted, or not cleaned up). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"item", "container", "unreadable", "volume", "device", "mounted", "not_cleaned_up"})
  public record Result(@JsonProperty("item") Item item, @JsonProperty("container") ContainerAcquisition.ContainerRecord container,
      @JsonProperty("unreadable") List<UnreadableRange> unreadable,
      @JsonProperty("volume") String volume, @JsonProperty("device") String device, @JsonProperty("mounted") Mounter.Mounts mounted,
      @JsonProperty("not_cleaned_up") List<String> notCleanedUp) {

    /** True when the media did not match what its container stores (a hash or a chunk checksum): an integrity finding. */
    public boolean integrityProblem() {
      return container != null && !container.problems().isEmpty();
    }

    /** True when unreadable sectors were zero-filled: the acquisition is partial. */
    public boolean partial() {
      return !unreadable.isEmpty();
    }

    static Result of(DeviceImager.Result image, MountState mounted) {
      return new Result(image.item(), null, image.unreadable(), null, null, mounted == null ? null : mounted.mounts(), null);
    }
  }

  private final Case kase;
  private final ProgressListener progress;
  private final PrintStream log;

  public DiskAcquisition(Case kase, ProgressListener progress, PrintStream log) {
    this.kase = kase;
    this.progress = progress;
    this.log = log;
  }

  /**
   * @param aws opened only for a snapshot source
   */
  public Result acquire(Source source, StorageOptions storage, Supplier<AwsSession> aws) {
    if (source instanceof Device d) {
      return device(d, storage);
    }
    if (source instanceof Direct d) {
      return Result.of(new DirectAcquisition(kase, aws.get(), progress, log).acquire(d.snapshot(), storage, d.concurrency()), null);
    }
    return volume((Volume) source, storage, aws.get());
  }

  private Result device(Device d, StorageOptions storage) {
    Path path = d.path().toAbsolutePath();
    java.util.Optional<Containers.Container> container = Containers.detect(path);
    if (container.isPresent()) {
      ContainerAcquisition.Result r = ContainerAcquisition.add(kase, container.get(), d.path(), d.sourceId(), storage, progress);
      MountState mounted = d.mount() ? new MountService(kase, progress).mountItem(r.item(), d.mountAt()) : null;
      return new Result(r.item(), r.container(), List.of(), null, null, mounted == null ? null : mounted.mounts(), null);
    }
    DeviceImager.Result image = DeviceImager.image(kase, path, d.sourceId(), "device:" + path, storage, progress);
    MountState mounted = d.mount() ? new MountService(kase, progress).mountDevice(image.item(), path, image.item().size(), d.mountAt(), null, null,
        null, true) : null;
    return Result.of(image, mounted);
  }

  private Result volume(Volume v, StorageOptions storage, AwsSession aws) {
    VolumeAcquisition.Result r = new VolumeAcquisition(kase, aws, v.finder(), v.imds(), progress, log)
        .acquire(v.snapshot(), new VolumeAcquisition.Options(storage, v.kmsKeyArn(), v.availabilityZone(), v.workstation(), v.keepVolume(),
            v.mount(), v.mountAt(), v.deviceTimeout()));
    return new Result(r.image().item(), null, r.image().unreadable(), r.volume().value(), r.device().toString(),
        r.mounted() == null ? null : r.mounted().mounts(), r.notCleanedUp());
  }
}
