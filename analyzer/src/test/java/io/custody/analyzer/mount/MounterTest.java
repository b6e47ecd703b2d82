package io.custody.analyzer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.evidence.Sha256;
import io.custody.evidence.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-only mounts of file systems nobody here made. ROOT ONLY (loop devices, mount): skipped, saying so, without root. */
class MounterTest {

  @TempDir Path tmp;

  /**
   * The corpus NTFS image (colinfinck, made by Windows' own tools): this kernel has no ntfs3, so
   * ntfs-3g mounts it, read-only, and the image's bytes are unchanged afterwards.
   */
  @Test
  void ntfs_mountedReadOnly_throughNtfs3gWhenTheKernelHasNoNtfs3() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop device and mount): skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/ntfs-3g")) || Files.isExecutable(Path.of("/bin/ntfs-3g")), "ntfs-3g missing: run scripts/setup");
    Path image = Files.copy(Corpus.path("disk/colinfinck-ntfs/testfs1.ntfs.raw"), tmp.resolve("ntfs.raw"));
    Sha256 before = Sha256.digest(Files.readAllBytes(image));
    Mounter.Mounts m = Mounter.mountAll(image, Files.size(image), tmp.resolve("mnt"));
    try {
      assertThat(m.mounted()).as(m.notes().toString()).singleElement().satisfies(x -> {
        assertThat(x.options()).startsWith("ro");
        boolean kernelNtfs3 = Files.readString(Path.of("/proc/filesystems")).contains("ntfs3");
        assertThat(x.filesystem()).isEqualTo(kernelNtfs3 ? "ntfs3" : "ntfs-3g");
      });
      Path root = tmp.resolve("mnt/disk");
      assertThat(Files.size(root.resolve("1000-bytes-file"))).isEqualTo(1000);
      assertThat(Files.readString(root.resolve("file-with-12345"))).isEqualTo("12345");
      assertThat(root.resolve("many_subdirs/100")).isDirectory();
    } finally {
      assertThat(Mounter.unmountAll(m)).isEmpty();
    }
    assertThat(Sha256.digest(Files.readAllBytes(image))).as("the image is never written").isEqualTo(before);
  }

  /**
   * LVM written by the LVM tools, mounted without device-mapper: each logical volume through a
   * read-only loop device over its extents (the two-segment one over a joined copy, removed on
   * unmount); the image is unchanged.
   */
  @Test
  void lvm_logicalVolumesMountedFromTheirExtents_withoutDeviceMapper() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop devices and mount): skipped");
    Path disk = LvmImages.plantedDisk(tmp, "vgcustodymt");
    Sha256 before = Sha256.digest(Files.readAllBytes(disk));
    Mounter.Mounts m = Mounter.mountAll(disk, Files.size(disk), tmp.resolve("mnt"));
    try {
      assertThat(m.notMounted()).as(m.notes().toString()).isEmpty();
      assertThat(m.mounted()).extracting(Mounter.Mounted::partition).containsExactlyInAnyOrder("mbr partition 1 (0x83)",
          "mbr partition 2 (0x8e) LVM vgcustodymt/root (read from its extents)", "mbr partition 2 (0x8e) LVM vgcustodymt/data (read from its extents)");
      assertThat(m.mounted()).allSatisfy(x -> assertThat(x.options()).startsWith("ro"));
      assertThat(Files.readString(tmp.resolve("mnt/lvm-vgcustodymt-root/etc/hostname"))).isEqualTo("web-1\n");
      assertThat(Files.readString(tmp.resolve("mnt/lvm-vgcustodymt-data/srv/app/config.yml"))).isEqualTo("db: x\n");
      assertThat(m.workFiles()).singleElement().satisfies(f -> assertThat(f).endsWith("lvm-vgcustodymt-root.raw"));
      assertThat(m.volumeGroups()).as("nothing activated").isEmpty();
    } finally {
      assertThat(Mounter.unmountAll(m)).isEmpty();
    }
    assertThat(tmp.resolve("mnt/" + Mounter.WORK)).doesNotExist();
    assertThat(Sha256.digest(Files.readAllBytes(disk))).as("the image is never written").isEqualTo(before);
  }

  /** A thin volume group (tool-written metadata) without device-mapper: reported, nothing activated, and unmounting it is clean. */
  @Test
  void lvmThin_withoutDeviceMapper_reportedNotMounted_unmountClean() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop devices and mount): skipped");
    assumeTrue(!Mounter.deviceMapper(), "device-mapper present: the thin group would be activated instead");
    Path disk = LvmImages.thinDisk(tmp, "vgcustodythin");
    Mounter.Mounts m = Mounter.mountAll(disk, Files.size(disk), tmp.resolve("mnt"));
    try {
      assertThat(m.mounted()).isEmpty();
      assertThat(m.notMounted()).containsExactlyInAnyOrder("whole disk LVM vgcustodythin/pool", "whole disk LVM vgcustodythin/thinvol");
      assertThat(m.notes()).anySatisfy(n -> assertThat(n).contains("thinvol", "a thin segment needs device-mapper"));
      assertThat(m.volumeGroups()).isEmpty();
    } finally {
      assertThat(Mounter.unmountAll(m)).as("nothing was activated, so nothing fails to deactivate").isEmpty();
    }
  }
}
