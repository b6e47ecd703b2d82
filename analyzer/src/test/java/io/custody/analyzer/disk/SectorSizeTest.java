package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.mount.Mounter;
import io.custody.analyzer.mount.PartitionTable;
import io.custody.analyzer.testing.Cases;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disks whose partition table uses 4096-byte sectors, and damaged tables, read the same way by
 * analysis and by mount. The 4K disk is partitioned by sfdisk on a loop device made with
 * {@code losetup -b 4096} (ROOT ONLY: skipped, saying so, without root).
 */
class SectorSizeTest {

  @TempDir Path tmp;

  @Test
  void gptWith4096ByteSectors_analysedAndMounted() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (losetup -b 4096): skipped");
    Path image = tmp.resolve("gpt4k.img");
    Cases.run(tmp, "truncate", "-s", "64M", image.toString());
    String dev = Cases.run(tmp, "losetup", "-b", "4096", "--find", "--show", image.toString()).strip();
    try {
      Cases.run(tmp, "blockdev", "--setrw", dev); // a loop device may keep a read-only flag from an earlier user
      // a loop device just detached by another test may still be settling: a few tries
      Cases.run(tmp, "sh", "-c", "for i in 1 2 3 4 5; do printf 'label: gpt\\nstart=256, size=8192, type=L, name=\"root\"\\n' "
          + "| sfdisk -q --no-reread --no-tell-kernel \"$1\" && exit 0; sleep 1; done; exit 1", "sh", dev);
    } finally {
      Cases.run(tmp, "losetup", "-d", dev);
    }
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("root/.ssh"));
    Files.writeString(root.resolve("root/.ssh/authorized_keys"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNm attacker@evil\n");
    Path fs = tmp.resolve("fs.ext4");
    Cases.run(tmp, "truncate", "-s", "32M", fs.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-b", "4096", "-d", root.toString(), fs.toString());
    Cases.run(tmp, "dd", "if=" + fs, "of=" + image, "bs=4096", "seek=256", "conv=notrunc", "status=none");

    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      PartitionTable.Layout l = PartitionTable.layout(ch::read, Files.size(image), "gpt4k.img");
      assertThat(l.sectorSize()).isEqualTo(4096);
      assertThat(l.partitions()).singleElement().satisfies(p -> {
        assertThat(p.offset()).isEqualTo(256L * 4096);
        assertThat(p.length()).isEqualTo(8192L * 4096);
      });
      assertThat(l.notes()).contains("GPT with 4096-byte logical sectors (its header is at offset 4096)");
    }

    Case kase = Cases.open(tmp.resolve("home"), "GPT4K-1");
    Item disk = Cases.addDisk(kase, image, "vol-0gpt4k0000000001", Compression.ZSTD, 16 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());
    assertThat(r.report().filesystems()).singleElement().satisfies(f -> {
      assertThat(f.label()).isEqualTo("p1");
      assertThat(f.type()).isEqualTo("ext4");
      assertThat(f.method()).isEqualTo("tsk");
      assertThat(f.sectorSize()).isEqualTo(4096);
      assertThat(f.startSector()).isEqualTo(256L * 8);
    });
    assertThat(r.report().findings()).extracting(f -> f.ruleId() + " " + f.path()).contains("ssh-authorized-keys /root/.ssh/authorized_keys");
    assertThat(r.report().notes()).anySatisfy(n -> assertThat(n).contains("4096-byte logical sectors"));

    Mounter.Mounts m = Mounter.mountAll(image, Files.size(image), tmp.resolve("mnt"));
    try {
      assertThat(m.mounted()).as(m.notes().toString()).hasSize(1);
      assertThat(tmp.resolve("mnt/p1/root/.ssh/authorized_keys")).exists();
    } finally {
      assertThat(Mounter.unmountAll(m)).isEmpty();
    }
  }

  /** An MBR written by sfdisk on a 4096-byte-sector loop device: its LBAs count 4096-byte sectors. */
  @Test
  void mbrWith4096ByteSectors_recognised_analysedAndMounted() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (losetup -b 4096): skipped");
    Path image = tmp.resolve("mbr4k.img");
    Cases.run(tmp, "truncate", "-s", "48M", image.toString());
    String dev = Cases.run(tmp, "losetup", "-b", "4096", "--find", "--show", image.toString()).strip();
    try {
      Cases.run(tmp, "blockdev", "--setrw", dev);
      Cases.run(tmp, "sh", "-c", "for i in 1 2 3 4 5; do printf 'label: dos\\nstart=256, size=8192, type=83\\n' "
          + "| sfdisk -q --no-reread --no-tell-kernel \"$1\" && exit 0; sleep 1; done; exit 1", "sh", dev);
    } finally {
      Cases.run(tmp, "losetup", "-d", dev);
    }
    Path root = Files.createDirectories(tmp.resolve("root/etc"));
    Files.writeString(root.resolve("hostname"), "db-4kn\n");
    Path fs = tmp.resolve("fs.ext4");
    Cases.run(tmp, "truncate", "-s", "32M", fs.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-b", "4096", "-d", root.getParent().toString(), fs.toString());
    Cases.run(tmp, "dd", "if=" + fs, "of=" + image, "bs=4096", "seek=256", "conv=notrunc", "status=none");
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      PartitionTable.Layout l = PartitionTable.layout(ch::read, Files.size(image), "mbr4k.img");
      assertThat(l.scheme()).isEqualTo("mbr");
      assertThat(l.sectorSize()).isEqualTo(4096);
      assertThat(l.partitions()).singleElement().satisfies(p -> assertThat(p.offset()).isEqualTo(256L * 4096));
    }
    Case kase = Cases.open(tmp.resolve("home"), "MBR4K-1");
    Item disk = Cases.addDisk(kase, image, "vol-0mbr4k0000000001", Compression.ZSTD, 16 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());
    assertThat(r.report().filesystems()).singleElement().satisfies(f -> assertThat(f.type()).isEqualTo("ext4"));
    assertThat(r.report().notes()).anySatisfy(n -> assertThat(n).contains("MBR with 4096-byte logical sectors"));
    Mounter.Mounts m = Mounter.mountAll(image, Files.size(image), tmp.resolve("mnt"));
    try {
      assertThat(Files.readString(tmp.resolve("mnt/p1/etc/hostname"))).isEqualTo("db-4kn\n");
    } finally {
      assertThat(Mounter.unmountAll(m)).isEmpty();
    }
    // the same MBR on a 512-byte disk stays 512: plaso's MBR disk is read as before
    try (FileChannel ch = FileChannel.open(Corpus.path("disk/plaso/tsk_volume_system.raw"), StandardOpenOption.READ)) {
      assertThat(PartitionTable.layout(ch::read, ch.size(), "tsk_volume_system.raw").sectorSize()).isEqualTo(512);
    }
  }

  @Test
  void truncatedGpt_analysisNamesThePartitionOutOfRange_asMountDoes() throws Exception {
    Path image = tmp.resolve("cut.img");
    byte[] whole = Files.readAllBytes(Corpus.path("disk/quyzi-gpt/gpt-disk.img"));
    Files.write(image, java.util.Arrays.copyOf(whole, whole.length / 2));
    String mountSays;
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      mountSays = org.assertj.core.api.Assertions.catchThrowableOfType(
          () -> PartitionTable.layout(ch::read, Files.size(image), "the image"), InvalidInputException.class).getMessage();
    }
    assertThat(mountSays).contains("lies outside the disk");
    Case kase = Cases.open(tmp.resolve("home"), "CUT-1");
    Item disk = Cases.addDisk(kase, image, "vol-0cut000000000001", Compression.ZSTD, 16 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());
    assertThat(r.report().notes()).anySatisfy(n -> assertThat(n).contains(mountSays));
    assertThatThrownBy(() -> Mounter.mountAll(image, Files.size(image), tmp.resolve("mnt"))).hasMessageContaining("lies outside the disk");
  }
}
