package io.custody.collector.cli;

import io.custody.collector.acquire.MountService;
import io.custody.collector.acquire.MountState;
import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody mount} and {@code custody umount}. */
final class MountCommands {

  private MountCommands() {}

  @Command(name = "mount", description = "Mount every filesystem of a disk item read-only (from a working copy of the item).",
      mixinStandardHelpOptions = true)
  static final class Mount implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOption home;

    @Option(names = "--case", required = true, paramLabel = "CASE")
    String caseId;

    @Option(names = "--item", required = true, paramLabel = "ITEM", description = "Item id or source id (vol-…, snap-…).")
    String itemRef;

    @Option(names = "--at", paramLabel = "DIR", description = "Where (default: the case's mnt/<item>).")
    Path at;

    @Override
    public Integer call() {
      Case kase = home.load(caseId);
      Item item = kase.item(itemRef, ItemType.DISK);
      MountState s;
      try (Progress bar = Progress.start("Rebuilding " + item.id(), item.size())) {
        s = new MountService(kase, bar).mountItem(item, at);
      }
      PrintWriter o = spec.commandLine().getOut();
      s.mounts().mounted().forEach(m -> o.println(m.mountPoint() + "  " + m.partition() + "  " + m.filesystem() + " " + m.options()));
      s.mounts().notes().forEach(n -> o.println("note: " + n));
      o.flush();
      return 0;
    }
  }

  @Command(name = "umount", description = "Unmount a disk item, hash its disk again (a difference is an integrity failure), clean up.",
      mixinStandardHelpOptions = true)
  static final class Umount implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOption home;
    @Mixin AwsOptions aws;

    @Option(names = "--case", required = true, paramLabel = "CASE")
    String caseId;

    @Option(names = "--item", required = true, paramLabel = "ITEM")
    String itemRef;

    @Override
    public Integer call() {
      Case kase = home.load(caseId);
      Item item = kase.item(itemRef, ItemType.DISK);
      MountService service = new MountService(kase, null);
      boolean needsAws = service.state(item).map(s -> s.volumeId() != null && !s.keepVolume()).orElse(false);
      MountService.Unmounted u;
      if (needsAws) {
        try (AwsSession session = AwsSession.open(new AwsConfig(aws.region(), aws.profile(), aws.endpoint()))) {
          u = service.unmount(item, session.ec2());
        }
      } else {
        u = service.unmount(item, null);
      }
      PrintWriter o = spec.commandLine().getOut();
      o.println("unmounted   " + item.id());
      o.println("sha256      " + u.sha256After() + " (unchanged)");
      u.problems().forEach(p -> o.println("not done    " + p));
      o.flush();
      return u.problems().isEmpty() ? 0 : 5;
    }
  }
}
