package io.custody.collector.cli;

import io.custody.collector.acquire.DeviceImager;
import io.custody.collector.acquire.DirectAcquisition;
import io.custody.collector.acquire.ImageOptions;
import io.custody.collector.acquire.MountService;
import io.custody.collector.acquire.MountState;
import io.custody.collector.acquire.VolumeAcquisition;
import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.host.DeviceFinder;
import io.custody.collector.host.Imds;
import io.custody.collector.ids.InstanceId;
import io.custody.collector.ids.SnapshotId;
import io.custody.evidence.ByteSize;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.internal.Json;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code custody acquire disk}: from an EBS snapshot (volume path or EBS direct APIs) or from a local
 * block device or image file; hashed, imaged into the case, optionally mounted read-only.
 */
@Command(name = "disk", description = "Image a disk into a case: an EBS snapshot (--method volume|direct) or a local device or image (--device).",
    mixinStandardHelpOptions = true)
final class AcquireDiskCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HomeOption home;
  @Mixin AwsOptions aws;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--snapshot", paramLabel = "SNAPSHOT_ID", description = "The IR snapshot to acquire.")
    String snapshot;

    @Option(names = "--device", paramLabel = "PATH", description = "A local block device or raw image file (needs --source-id).")
    Path device;
  }

  @Option(names = "--source-id", paramLabel = "ID", description = "With --device: where it came from (vol-…, a host name).")
  String sourceId;

  @Option(names = "--method", defaultValue = "volume", paramLabel = "volume|direct",
      description = "volume (default): a volume attached to this workstation; direct: the EBS direct APIs, no volume.")
  String method;

  @Option(names = "--md5", description = "Also MD5 (same read).")
  boolean md5;

  @Option(names = "--sha1", description = "Also SHA-1 (same read).")
  boolean sha1;

  @Option(names = "--compress", paramLabel = "zstd|none", description = "Stored segments compressed with zstd (default) or not.")
  String compress;

  @Option(names = "--segment-size", paramLabel = "SIZE", description = "Raw bytes per stored file (default 1G).")
  String segmentSize;

  @Option(names = "--kms-key", paramLabel = "KEY_ARN", description = "Copy the snapshot re-encrypted with this KMS key first (volume path).")
  String kmsKey;

  @Option(names = "--az", paramLabel = "AZ", description = "The workstation's availability zone (default: from instance metadata).")
  String az;

  @Option(names = "--workstation", paramLabel = "INSTANCE_ID", description = "The workstation's instance id (default: from instance metadata).")
  String workstation;

  @Option(names = "--keep-volume", description = "Leave the volume (attached) instead of detaching and deleting it.")
  boolean keepVolume;

  @Option(names = "--mount", description = "Mount every filesystem read-only afterwards (custody umount undoes it).")
  boolean mount;

  @Option(names = "--at", paramLabel = "DIR", description = "With --mount: where (default: the case's mnt/<item>).")
  Path at;

  @Option(names = "--concurrency", defaultValue = "16", paramLabel = "N", description = "Direct path: blocks fetched at once (default 16).")
  int concurrency;

  @Option(names = "--device-timeout", defaultValue = "180", paramLabel = "SECONDS", description = "How long to wait for the attached device.")
  long deviceTimeout;

  @Option(names = "--sysfs", defaultValue = "/sys", hidden = true)
  Path sysfs;

  @Option(names = "--dev", defaultValue = "/dev", hidden = true)
  Path dev;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    ImageOptions image = new ImageOptions(md5, sha1, compress == null ? null : Compression.parse(compress),
        segmentSize == null ? 0 : ByteSize.parse(segmentSize));
    Case kase = home.load(caseId);
    kase.toolLog("acquire disk " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    Map<String, Object> out = new LinkedHashMap<>();
    DeviceImager.Result result;
    MountState mounted = null;
    try (Progress bar = Progress.start("Acquiring", -1)) {
      if (source.device != null) {
        if (sourceId == null) {
          throw new InvalidInputException("Failed to acquire '" + source.device + "': --source-id is required with --device");
        }
        if (!Files.exists(source.device)) {
          throw new InvalidInputException("Failed to acquire '" + source.device + "': no such device or file");
        }
        result = DeviceImager.image(kase, source.device, sourceId, "device:" + source.device.toAbsolutePath(), image, bar);
        if (mount) {
          mounted = new MountService(kase, bar).mountDevice(result.item(), source.device.toAbsolutePath(), result.item().size(), at, null, null,
              null, true);
        }
      } else {
        SnapshotId snapshot = new SnapshotId(source.snapshot);
        try (AwsSession session = AwsSession.open(new AwsConfig(aws.region(), aws.profile(), aws.endpoint()))) {
          if (method.equals("direct")) {
            if (mount || kmsKey != null || keepVolume) {
              throw new InvalidInputException("Failed to acquire: --mount, --kms-key and --keep-volume belong to --method volume "
                  + "(mount a direct-path item afterwards with custody mount)");
            }
            result = new DirectAcquisition(kase, session, bar, System.err).acquire(snapshot, image, concurrency);
          } else if (method.equals("volume")) {
            VolumeAcquisition.Result v = new VolumeAcquisition(kase, session, new DeviceFinder(sysfs, dev), Imds.system(), bar, System.err)
                .acquire(snapshot, new VolumeAcquisition.Options(image, kmsKey, az, workstation == null ? null : new InstanceId(workstation),
                    keepVolume, mount, at, Duration.ofSeconds(deviceTimeout)));
            result = v.image();
            mounted = v.mounted();
            out.put("volume", v.volume().value());
            out.put("device", v.device().toString());
            out.put("not_cleaned_up", v.notCleanedUp());
          } else {
            throw new InvalidInputException("Failed to parse --method '" + method + "': volume or direct");
          }
        }
      }
    }
    out.put("item", result.item());
    out.put("unreadable", result.unreadable());
    if (mounted != null) {
      out.put("mounted", mounted.mounts());
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.print(Json.writeString(out));
    } else {
      CaseCommand.printItem(result.item(), o);
      if (result.partial()) {
        o.println("PARTIAL     " + result.unreadable().size() + " unreadable range(s), zero-filled: see unreadable-ranges.csv");
      }
      if (mounted != null) {
        mounted.mounts().mounted().forEach(m -> o.println("mounted     " + m.mountPoint() + "  (" + m.partition() + ", " + m.filesystem() + " " + m.options() + ")"));
        mounted.mounts().notes().forEach(n -> o.println("note        " + n));
      }
    }
    o.flush();
    return result.partial() ? 4 : 0;
  }
}
