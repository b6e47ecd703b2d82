package io.custody.collector.acquire;

import io.custody.analyzer.disk.RawImage;
import io.custody.analyzer.mount.Mounter;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.VolumeId;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code custody mount} and {@code umount}: every filesystem of a disk item mounted read-only under
 * the case's mount folder, and, on umount, the disk hashed again: a difference from the acquired hash
 * is an integrity failure, reported and recorded. An item whose volume is gone is mounted from a
 * working copy rebuilt from its stored segments (hash checked) outside the sealed data.
 */
public final class MountService {

  private final Case kase;
  private final ProgressListener progress;

  public MountService(Case kase, ProgressListener progress) {
    this.kase = kase;
    this.progress = progress == null ? ProgressListener.NONE : progress;
  }

  Path stateFile(String itemId) {
    return kase.dir().resolve("mounts").resolve(itemId + ".json");
  }

  public Path defaultMountPoint(Item item) {
    return kase.dir().resolve("mnt").resolve(item.id());
  }

  public Optional<MountState> state(Item item) {
    Path f = stateFile(item.id());
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readValue(Files.readAllBytes(f), MountState.class));
    } catch (IOException e) {
      throw new HostException("Failed to read the mount state of '" + item.id() + "': " + e.getMessage(), e);
    }
  }

  /** Mounts an item from its stored image (or a working copy of it when it is compressed or split). */
  public MountState mountItem(Item item, Path at) {
    refuseIfMounted(item);
    RawImage image = workingCopy(item);
    try {
      return mount(item, image.temporary() ? "working-copy" : "stored", image.files().get(0), item.size(), at, null, null, null, false);
    } catch (RuntimeException e) {
      image.close();
      throw e;
    }
  }

  /** Mounts an item from the device it was acquired from (still attached). */
  public MountState mountDevice(Item item, Path device, long size, Path at, String volumeId, String instanceId, String region,
      boolean keepVolume) {
    refuseIfMounted(item);
    return mount(item, "device", device, size, at, volumeId, instanceId, region, keepVolume);
  }

  private MountState mount(Item item, String kind, Path source, long size, Path at, String volumeId, String instanceId, String region,
      boolean keep) {
    Path root = at != null ? at : defaultMountPoint(item);
    CustodyEntry intent = kase.log().begin(Event.of("mounted").object(CustodyObject.item(item.id(), item.hashes().sha256()))
        .notes("mounting every filesystem of " + item.id() + " read-only from " + kind + " " + source + " under " + root));
    Mounter.Mounts mounts;
    try {
      mounts = Mounter.mountAll(source, size, root);
    } catch (RuntimeException e) {
      kase.log().complete(intent, Event.of("mounted").notes("mount failed: " + e.getMessage()), Outcome.FAILED);
      throw e;
    }
    MountState state = new MountState(item.id(), kind, source.toString(), size, item.hashes().sha256(), volumeId, instanceId, region, keep,
        mounts);
    try {
      Files.createDirectories(stateFile(item.id()).getParent());
      Files.write(stateFile(item.id()), Json.write(state));
    } catch (IOException e) {
      Mounter.unmountAll(mounts);
      throw new HostException("Failed to record the mount of '" + item.id() + "': " + e.getMessage(), e);
    }
    List<String> lines = new ArrayList<>();
    mounts.mounted().forEach(m -> lines.add(m.partition() + " -> " + m.mountPoint() + " (" + m.filesystem() + " " + m.options() + ")"));
    lines.addAll(mounts.notes());
    kase.log().complete(intent, Event.of("mounted").object(CustodyObject.item(item.id(), item.hashes().sha256()))
        .notes(String.join("; ", lines)), Outcome.SUCCEEDED);
    return state;
  }

  /** What umount found. */
  public record Unmounted(Sha256 sha256After, boolean unchanged, List<String> problems) {}

  /**
   * Unmounts, hashes the disk again, cleans up (working copy; volume unless kept).
   *
   * @param ec2 EC2 in a region, asked for only when an attached volume is to be detached and deleted
   * @throws IntegrityException when the disk's hash changed (after recording it)
   */
  public Unmounted unmount(Item item, Function<String, Ec2Gateway> ec2) {
    MountState state = state(item).orElseThrow(() -> new InvalidInputException("Failed to unmount '" + item.id() + "': it is not mounted"));
    CustodyEntry intent = kase.log().begin(Event.of("unmounted").object(CustodyObject.item(item.id(), item.hashes().sha256()))
        .notes("unmounting " + item.id() + " and hashing " + state.kind() + " " + state.source() + " again"));
    List<String> problems = new ArrayList<>(Mounter.unmountAll(state.mounts()));
    Sha256 after;
    try (InputStream in = Files.newInputStream(Path.of(state.source()))) {
      after = HashingEngine.sha256().hash(in, null, state.size(), progress).hashes().sha256();
    } catch (IOException e) {
      kase.log().complete(intent, Event.of("unmounted").notes("could not hash " + state.source() + " again: " + e.getMessage()), Outcome.FAILED);
      throw new HostException("Failed to hash '" + state.source() + "' again: " + e.getMessage(), e);
    }
    boolean same = after.equals(state.expectedSha256());
    if (state.kind().equals("working-copy")) {
      problems.addAll(removeWorkingCopy(Path.of(state.source())));
    } else if (state.volumeId() != null && !state.keepVolume()) {
      problems.addAll(releaseVolume(new VolumeId(state.volumeId()),
          state.instanceId() == null ? null : new InstanceId(state.instanceId()), state.region(), ec2.apply(state.region())));
    }
    try {
      Files.deleteIfExists(stateFile(item.id()));
    } catch (IOException e) {
      problems.add("remove mount state: " + e.getMessage());
    }
    String notes = (same ? "hash after unmount equals the acquired hash " : "INTEGRITY FAILURE: hash after unmount " + after
        + " differs from the acquired ") + state.expectedSha256() + (problems.isEmpty() ? "" : "; not cleaned up: " + problems);
    kase.log().complete(intent, Event.of("unmounted").object(new CustodyObject(item.id(), null, state.source(), "disk", state.size(), after))
        .notes(notes), same ? (problems.isEmpty() ? Outcome.SUCCEEDED : Outcome.PARTIAL) : Outcome.FAILED);
    if (!same) {
      throw new IntegrityException("Failed to unmount '" + item.id() + "' cleanly: " + notes);
    }
    return new Unmounted(after, true, problems);
  }

  /** Deletes a working copy and its folder; says what could not be deleted. */
  private static List<String> removeWorkingCopy(Path copy) {
    try {
      Files.deleteIfExists(copy);
      Files.deleteIfExists(copy.getParent());
      return List.of();
    } catch (IOException e) {
      return List.of("remove working copy " + copy + ": " + e.getMessage());
    }
  }

  /** Detaches and deletes a volume, saying (and recording) what could not be done. */
  List<String> releaseVolume(VolumeId volume, InstanceId instance, String region, Ec2Gateway ec2) {
    List<String> problems = new ArrayList<>();
    if (ec2 == null) {
      problems.add("volume " + volume + " left attached: no AWS access given");
      return problems;
    }
    ChangeRecorder rec = new ChangeRecorder(kase, region, false, "acquired");
    try {
      rec.change("ec2:DetachVolume", volume.value(), "detach the evidence volume " + volume, () -> ec2.detachVolume(volume, instance, Duration.ofMinutes(5)));
      rec.change("ec2:DeleteVolume", volume.value(), "delete the evidence volume " + volume + " (its snapshot remains)", () -> ec2.deleteVolume(volume));
    } catch (RuntimeException e) {
      problems.add("volume " + volume + ": " + e.getMessage());
    }
    return problems;
  }

  private void refuseIfMounted(Item item) {
    state(item).ifPresent(s -> {
      throw new InvalidInputException("Failed to mount '" + item.id() + "': already mounted (" + s.mounts().mounted().size()
          + " filesystems); run custody umount first");
    });
  }

  /**
   * The item's raw image as one file a loop device can use: the stored file itself when the item is
   * one uncompressed segment, else a sparse copy in the case's scratch folder (never sealed); either
   * way its SHA-256 is checked against the item's before anything mounts it.
   */
  private RawImage workingCopy(Item item) {
    if (!item.type().folder().equals("disk")) {
      throw new InvalidInputException("Failed to mount '" + item.id() + "': it is a " + item.type().label() + " item, not a disk");
    }
    return RawImage.open(kase, item, kase.dir().resolve(RawImage.SCRATCH), progress, true);
  }
}
