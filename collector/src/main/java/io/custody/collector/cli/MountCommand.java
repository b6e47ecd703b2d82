package io.custody.collector.cli;

import io.custody.analyzer.mount.Mounter;
import io.custody.collector.acquire.MountService;
import io.custody.collector.acquire.MountState;
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
@Command(name = "mount", description = "Mount every filesystem of a disk item read-only (from the stored image, or a working copy of it).",
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
    return Output.ok(s, out -> mounted(s.mounts(), out));
  }

  /** The filesystems mounted and the notes on those that were not. */
  static void mounted(Mounter.Mounts m, PrintWriter out) {
    m.mounted().forEach(x -> out.println("mounted     " + x.mountPoint() + "  (" + x.partition() + ", " + x.filesystem() + " " + x.options() + ")"));
    m.notes().forEach(n -> out.println("note        " + n));
  }
}
