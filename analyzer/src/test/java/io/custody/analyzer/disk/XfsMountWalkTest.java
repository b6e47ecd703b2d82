package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XFS, which The Sleuth Kit cannot read: the analysis walks a read-only, no-log-replay mount of a
 * read-only loop device. ROOT ONLY (loop devices and mount): skipped, saying so, without root.
 */
class XfsMountWalkTest {

  @TempDir
  Path tmp;

  private static boolean root() throws Exception {
    return Cases.run(null, "id", "-u").strip().equals("0");
  }

  @Test
  void xfsImage_asRoot_walkedReadOnly_findingsAndMountRecorded() throws Exception {
    assumeTrue(root(), "needs root (loop device and mount): skipped");
    assumeTrue(Files.isExecutable(Path.of("/sbin/mkfs.xfs")) || Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs")), "mkfs.xfs missing (Debian xfsprogs)");
    Path image = Cases.xfsImage(tmp, "xfs.img", 320, mnt -> {
      Files.createDirectories(mnt.resolve("var/www/html"));
      Files.writeString(mnt.resolve("var/www/html/cmd.php"), "<?php passthru($_REQUEST['x']); ?>\n");
      Files.writeString(mnt.resolve("var/www/html/index.php"), "<?php echo 'ok'; ?>\n");
      Files.createDirectories(mnt.resolve("etc"));
      Files.writeString(mnt.resolve("etc/ld.so.preload"), "/lib/libhide.so\n");
    });
    Case kase = Cases.open(tmp.resolve("home"), "XFS-1");
    Item disk = Cases.addDisk(kase, image, "vol-0xfs0000000000001", Compression.ZSTD, 64 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());

    FileSystemReport fs = r.report().filesystems().get(0);
    assertThat(fs.method()).isEqualTo("mount");
    assertThat(fs.type()).isEqualTo("xfs");
    assertThat(fs.note()).contains("no deleted entries");
    assertThat(r.report().findings()).extracting(f -> f.ruleId() + " " + f.path())
        .contains("web-shell /var/www/html/cmd.php", "ld-so-preload /etc/ld.so.preload").noneMatch(s -> s.endsWith("index.php"));
    assertThat(r.report().findings()).filteredOn(f -> f.path().equals("/var/www/html/cmd.php")).singleElement()
        .satisfies(f -> assertThat(f.crtime()).as("XFS v5 keeps creation times; statx reads them").isNotNull());
    Item body = r.outputs().stream().filter(i -> i.name().equals("bodyfile-disk.txt")).findFirst().orElseThrow();
    assertThat(Files.readString(Cases.file(kase, body), StandardCharsets.UTF_8)).contains("|/var/www/html/cmd.php|", "|r/rrw-r--r--|");
    List<String> events = kase.log().verify().entries().stream().map(e -> e.event() + ":" + e.outcome().label()).toList();
    assertThat(events).containsSubsequence("analysed:intent", "mounted:intent", "mounted:succeeded", "unmounted:intent", "unmounted:succeeded",
        "analysed:succeeded");
    assertThat(kase.log().verify().entries().stream().filter(e -> e.event().equals("mounted")).map(CustodyEntry::notes))
        .anySatisfy(n -> assertThat(n).contains("ro,norecovery,nouuid"));
    assertThat(Cases.run(null, "losetup", "-a")).doesNotContain(tmp.toString());
  }
}
