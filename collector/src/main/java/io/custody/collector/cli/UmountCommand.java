package io.custody.collector.cli;

import io.custody.collector.acquire.MountService;
import io.custody.evidence.ExitCode;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody umount --case CASE --item ITEM}. */
@Command(name = "umount", description = {"Unmount a disk item, hash its disk again (a difference is an integrity failure, exit 1), clean up",
    "(working copy; the attached volume unless it was kept: that needs AWS). Exit 5 when something could not be cleaned up."},
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody umount --case IR-2026-001 --item item-003")
final class UmountCommand extends CliCommand {

  @Mixin CaseOption kase;
  @Mixin AwsOptions aws;

  @Option(names = "--item", required = true, paramLabel = "ITEM", description = "Item id or source id (vol-…, snap-…).")
  String itemRef;

  @Override
  protected Output run() {
    Case c = kase.load();
    Item item = c.item(itemRef, ItemType.DISK);
    MountService.Unmounted u;
    try (TerminalProgress bar = TerminalProgress.start("Hashing " + item.id() + " again", item.size()); LazySession session = new LazySession(aws::open)) {
      u = new MountService(c, bar).unmount(item, region -> session.get().ec2(region));
    }
    return new Output(u, out -> {
      out.println("unmounted   " + item.id());
      out.println("sha256      " + u.sha256After() + " (unchanged)");
      u.problems().forEach(p -> out.println("not done    " + p));
    }, u.problems().isEmpty() ? ExitCode.OK : ExitCode.HOST);
  }
}
