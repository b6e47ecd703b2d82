package io.custody.collector.cli;

import io.custody.analyzer.mount.Mounter;
import io.custody.collector.acquire.MountService;
import io.custody.collector.acquire.MountState;
import io.custody.evidence.ExitCode;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody mount --case CASE --item ITEM}. */
@Command(name = "mount", description = {"Mount every filesystem of a disk item read-only (from the stored image, or a working copy of it): "
    + "MBR, GPT with 512- or 4096-byte sectors; ext2/3/4 without journal replay, XFS without log recovery, NTFS through ntfs3 or "
    + "ntfs-3g, LVM where device-mapper exists. Exit 4 when some file systems found could not be mounted (each is named, with why), "
    + "5 when none could."},
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody mount --case IR-2026-001 --item item-003")
final class MountCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--item", required = true, paramLabel = "ITEM", description = "Item id or source id (vol-…, snap-…).")
  String itemRef;

  @Option(names = "--at", paramLabel = "DIR", description = "Where (default: the case's mnt/<item>).")
  Path at;

  @Override
  protected Output run() {
    Case c = kase.load();
    Item item = c.item(itemRef, ItemType.DISK);
    MountState s;
    try (TerminalProgress bar = TerminalProgress.start("Checking " + item.id(), item.size())) {
      s = new MountService(c, bar).mountItem(item, at);
    }
    // every file system found mounted: 0; some not: 4 (partial); none of those found: 5 (the host refused)
    Mounter.Mounts m = s.mounts();
    ExitCode exit = m.notMounted().isEmpty() ? ExitCode.OK : m.mounted().isEmpty() ? ExitCode.HOST : ExitCode.PARTIAL;
    return new Output(s, out -> mounted(m, out), exit);
  }

  /** The filesystems mounted and the notes on those that were not. */
  static void mounted(Mounter.Mounts m, PrintWriter out) {
    m.mounted().forEach(x -> out.println("mounted     " + x.mountPoint() + "  (" + x.partition() + ", " + x.filesystem() + " " + x.options() + ")"));
    m.notes().forEach(n -> out.println("note        " + n));
    if (!m.notMounted().isEmpty()) {
      out.println("not mounted " + String.join(", ", m.notMounted()) + (m.mounted().isEmpty() ? " (exit 5)" : " (exit 4: the others are mounted)"));
    }
  }
}
