package io.custody.collector.cli;

import io.custody.collector.acquire.DiskAcquisition;
import io.custody.collector.host.DeviceFinder;
import io.custody.collector.host.Imds;
import io.custody.evidence.ExitCode;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code custody acquire disk}: from an EBS snapshot (volume path or EBS direct APIs) or from a local
 * block device or image file; hashed, imaged into the case, optionally mounted read-only.
 */
@Command(name = "disk", mixinStandardHelpOptions = true,
    description = {"Image a disk into a case: an EBS snapshot (--method volume|direct) or a local device or image (--device).",
        "Exit 4 when unreadable sectors were zero-filled or blocks could not be verified (partial, recorded as such)."},
    footerHeading = "%nExample:%n", footer = "  custody acquire disk --case IR-2026-001 --snapshot snap-0123456789abcdef0 --method direct --md5")
final class AcquireDiskCommand extends CliCommand {

  @Mixin CaseOption kase;
  @Mixin AwsOptions aws;
  @Mixin StorageArgs storage;

  @Option(names = "--snapshot", paramLabel = "SNAPSHOT_ID", description = "The IR snapshot to acquire.")
  String snapshot;

  @Option(names = "--device", paramLabel = "PATH", description = "A local block device or raw image file (needs --source-id).")
  Path device;

  @Option(names = "--source-id", paramLabel = "ID", description = "With --device: where it came from (vol-…, a host name).")
  String sourceId;

  @Option(names = "--method", defaultValue = "volume", paramLabel = "volume|direct",
      description = "volume (default): a volume attached to this workstation; direct: the EBS direct APIs, no volume.")
  DiskAcquisition.Method method;

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

  @Option(names = "--concurrency", defaultValue = "64", paramLabel = "N", description = "Direct path: blocks fetched at once (default 64, as coldsnap).")
  int concurrency;

  @Option(names = "--device-timeout", defaultValue = "180s", paramLabel = "DURATION", converter = Times.Span.class,
      description = "How long to wait for the attached device (default 180s).")
  Duration deviceTimeout;

  @Option(names = "--sysfs", defaultValue = "/sys", hidden = true)
  Path sysfs;

  @Option(names = "--dev", defaultValue = "/dev", hidden = true)
  Path dev;

  @Override
  protected Output run() {
    DiskAcquisition.Volume volume = new DiskAcquisition.Volume(snapshot == null ? null : new SnapshotId(snapshot), kmsKey, az,
        workstation == null ? null : new InstanceId(workstation), keepVolume, mount, at, deviceTimeout, new DeviceFinder(sysfs, dev), Imds.system());
    DiskAcquisition.Source source = DiskAcquisition.source(volume.snapshot(), device, sourceId, method, concurrency, volume);
    Case c = kase.load();
    c.toolLog(commandLine());
    DiskAcquisition.Result r;
    try (TerminalProgress bar = TerminalProgress.start("Acquiring", -1); LazySession session = new LazySession(aws::open)) {
      r = new DiskAcquisition(c, bar, System.err).acquire(source, storage.options(), session::get);
    }
    return new Output(r, out -> render(r, out), r.integrityProblem() ? ExitCode.FINDINGS : r.partial() ? ExitCode.PARTIAL : ExitCode.OK);
  }

  private static void render(DiskAcquisition.Result r, PrintWriter out) {
    Texts.item(r.item(), out);
    if (r.container() != null) {
      Texts.container(r.container(), out);
    }
    if (r.partial()) {
      out.println("PARTIAL     " + r.unreadable().size() + " unreadable range(s), zero-filled: see unreadable-ranges.csv");
    }
    if (r.volume() != null) {
      out.println("volume      " + r.volume() + " (" + r.device() + ")");
    }
    if (r.mounted() != null) {
      MountCommand.mounted(r.mounted(), out);
    }
    if (r.notCleanedUp() != null) {
      r.notCleanedUp().forEach(n -> out.println("not done    " + n));
    }
  }
}
