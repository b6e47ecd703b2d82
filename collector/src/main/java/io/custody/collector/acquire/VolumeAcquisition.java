package io.custody.collector.acquire;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.Change;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.aws.InstanceInfo;
import io.custody.collector.host.DeviceFinder;
import io.custody.collector.host.Imds;
import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.ids.VolumeId;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.StorageOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code custody acquire disk --snapshot … --method volume}: snapshot (re-encrypted with the
 * forensic KMS key when asked) → volume in the workstation's AZ, tagged → attached → found by its
 * NVMe serial → set read-only → hashed and imaged → mounted read-only when asked → detached and
 * deleted unless kept. Cleanup runs on failure and on Ctrl-C too; what could not be cleaned up is
 * said and recorded.
 */
public final class VolumeAcquisition {

  /**
   * @param kmsKeyArn re-encrypt the snapshot with this key first, or null
   * @param availabilityZone the workstation's AZ, or null to ask instance metadata
   * @param workstation the workstation's instance id, or null to ask instance metadata
   * @param mountAt where to mount, or null for the case's mount folder (with mount)
   */
  public record Options(StorageOptions image, String kmsKeyArn, String availabilityZone, InstanceId workstation, boolean keepVolume,
      boolean mount, Path mountAt, Duration deviceTimeout) {}

  /** What was acquired, and what is left (mounted, or not cleaned up). */
  public record Result(DeviceImager.Result image, VolumeId volume, Path device, MountState mounted, List<String> notCleanedUp) {}

  private final Case kase;
  private final AwsSession aws;
  private final Ec2Gateway ec2;
  private final DeviceFinder finder;
  private final Imds imds;
  private final ChangeRecorder rec;
  private final ProgressListener progress;
  private final PrintStream log;

  public VolumeAcquisition(Case kase, AwsSession aws, DeviceFinder finder, Imds imds, ProgressListener progress, PrintStream log) {
    this.kase = kase;
    this.aws = aws;
    this.ec2 = aws.ec2();
    this.finder = finder;
    this.imds = imds;
    this.rec = new ChangeRecorder(kase, aws.region(), false, "acquired");
    this.progress = progress;
    this.log = log;
  }

  public Result acquire(SnapshotId snapshot, Options o) {
    Ec2Gateway.SnapshotDetails snap = ec2.describeSnapshot(snapshot);
    if (!"completed".equals(snap.state())) {
      throw new InvalidInputException("Failed to acquire snapshot '" + snapshot + "': it is " + snap.state() + ", not completed");
    }
    SnapshotId source = reencrypt(snap, o.kmsKeyArn());
    String az = o.availabilityZone() != null ? o.availabilityZone() : imds.availabilityZone();
    InstanceId me = o.workstation() != null ? o.workstation() : new InstanceId(imds.instanceId());
    Map<String, String> tags = Map.of("custody:case", kase.id(), "custody:snapshot", snapshot.value(), "Name", "custody evidence " + snapshot);
    Change created = rec.change("ec2:CreateVolume", snapshot.value(), "create the evidence volume from " + source + " in " + az,
        () -> ec2.createVolume(source, az, tags, Duration.ofMinutes(10)));
    VolumeId volume = new VolumeId(created.resourceId());
    log.println("custody: volume " + volume + " from " + source + " in " + az);
    Cleanup cleanup = new Cleanup(volume, me, o.keepVolume());
    Thread hook = new Thread(cleanup::run, "custody-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean leaveMounted = false;
    try {
      String deviceName = freeDeviceName(ec2.describeInstance(me));
      rec.change("ec2:AttachVolume", volume.value(), "attach " + volume + " to the workstation " + me + " as " + deviceName,
          () -> ec2.attachVolume(volume, me, deviceName, Duration.ofMinutes(5)));
      cleanup.attached.set(true);
      Path device = finder.await(volume, o.deviceTimeout());
      log.println("custody: " + volume + " is " + device + " (serial " + volume.value().replace("-", "") + "); setting it read-only");
      DeviceImager.Result image = DeviceImager.image(kase, device, snapshot.value(),
          "ebs-volume:" + volume + " from " + snapshot + (source.equals(snapshot) ? "" : " via copy " + source) + " attached as " + device,
          o.image(), progress);
      MountState mounted = null;
      if (o.mount()) {
        mounted = new MountService(kase, progress).mountDevice(image.item(), device, image.item().size(), o.mountAt(), volume.value(),
            me.value(), aws.region(), o.keepVolume());
        leaveMounted = true;
      }
      return new Result(image, volume, device, mounted, leaveMounted ? List.of() : cleanup.run());
    } finally {
      if (!leaveMounted) {
        cleanup.run();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs the cleanup
      }
    }
  }

  private SnapshotId reencrypt(Ec2Gateway.SnapshotDetails snap, String kmsKeyArn) {
    if (kmsKeyArn == null) {
      return snap.id();
    }
    Change copy = rec.change("ec2:CopySnapshot", snap.id().value(), "copy " + snap.id() + " re-encrypted with the forensic key " + kmsKeyArn
        + (snap.encrypted() ? " (source encrypted with " + snap.kmsKeyId() + ")" : ""),
        () -> ec2.copySnapshot(snap.id(), kmsKeyArn, "custody: copy of " + snap.id() + " for case " + kase.id(),
            Map.of("custody:case", kase.id(), "custody:snapshot", snap.id().value()), Duration.ofHours(2)));
    return new SnapshotId(copy.resourceId());
  }

  /** A device name for AttachVolume not used by the workstation (Nitro ignores it for NVMe naming). */
  static String freeDeviceName(InstanceInfo me) {
    String used = me.raw().toString();
    for (char c = 'f'; c <= 'z'; c++) {
      String name = "/dev/sd" + c;
      if (!used.contains("\"" + name + "\"") && !used.contains("\"/dev/xvd" + c + "\"")) {
        return name;
      }
    }
    throw new InvalidInputException("Failed to attach: the workstation has no free device name left (/dev/sdf to /dev/sdz)");
  }

  /** Detach and delete, once, whether the run ends, fails or is interrupted. */
  private final class Cleanup {
    final VolumeId volume;
    final InstanceId instance;
    final boolean keep;
    final AtomicBoolean attached = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private List<String> left = List.of();

    Cleanup(VolumeId volume, InstanceId instance, boolean keep) {
      this.volume = volume;
      this.instance = instance;
      this.keep = keep;
    }

    synchronized List<String> run() {
      if (!done.compareAndSet(false, true)) {
        return left;
      }
      List<String> problems = new ArrayList<>();
      if (keep) {
        problems.add("volume " + volume + " kept" + (attached.get() ? " and attached" : "") + " (--keep-volume)");
        rec.note(volume.value(), "volume " + volume + " kept as asked (--keep-volume)");
        left = problems;
        return left;
      }
      try {
        // Ask AWS, not our own bookkeeping: an interrupt can land while AttachVolume is under way.
        String state = ec2.volumeState(volume).orElse("deleted");
        if (state.equals("in-use") || attached.get() && !state.equals("available")) {
          rec.change("ec2:DetachVolume", volume.value(), "detach the evidence volume " + volume, () -> ec2.detachVolume(volume, instance, Duration.ofMinutes(5)));
        } else if (state.equals("deleted") || state.equals("deleting")) {
          left = problems;
          return left;
        }
        rec.change("ec2:DeleteVolume", volume.value(), "delete the evidence volume " + volume + " (the snapshot remains)", () -> ec2.deleteVolume(volume));
      } catch (RuntimeException e) {
        problems.add("volume " + volume + " not cleaned up: " + e.getMessage());
        rec.note(volume.value(), "cleanup incomplete: " + e.getMessage());
        log.println("custody: WARNING: volume " + volume + " was not cleaned up: " + e.getMessage());
      }
      left = problems;
      return left;
    }
  }
}
