package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.mount.LvmImages;
import io.custody.analyzer.testing.Cases;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MBR disk whose second partition is an LVM physical volume made by the LVM tools, with a linear
 * logical volume and one of two segments: both analysed from their extents, without device-mapper,
 * the planted key on the two-segment volume found. Root (loop devices for the LVM tools).
 */
class LvmAnalysisTest {

  @TempDir Path tmp;

  @Test
  void logicalVolumes_readFromTheirExtents_analysedLikePartitions() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop devices for the LVM tools): skipped");
    Path disk = LvmImages.plantedDisk(tmp, "vgcustodyan");
    Case kase = Cases.open(tmp.resolve("home"), "LVM-1");
    Item item = Cases.addDisk(kase, disk, "vol-0lvm0000000000001", Compression.ZSTD, 64 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, item.id());
    assertThat(r.report().filesystems()).extracting(f -> f.label() + " " + f.method())
        .containsExactly("p1 tsk", "p2 skipped", "lvm-vgcustodyan-root tsk", "lvm-vgcustodyan-data tsk");
    assertThat(r.report().filesystems().get(1).note()).contains("volume group vgcustodyan", "2 of 2 logical volumes read");
    assertThat(r.report().findings()).extracting(f -> f.ruleId() + " " + f.filesystem() + " " + f.path())
        .contains("ssh-authorized-keys lvm-vgcustodyan-root /root/.ssh/authorized_keys");
    Path timeline = r.outputs().stream().filter(i -> i.name().equals("timeline.csv")).map(i -> Cases.file(kase, i)).findFirst().orElseThrow();
    assertThat(Files.readString(timeline)).contains("/lvm-vgcustodyan-data/srv/app/config.yml", "/lvm-vgcustodyan-root/etc/hostname",
        "/p1/grub/grub.cfg");
  }
}
