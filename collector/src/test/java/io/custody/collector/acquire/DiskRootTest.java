package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.analyzer.mount.BlockDevice;
import io.custody.collector.testing.CliRun;
import io.custody.collector.testing.DiskImages;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Real block devices (root only; skipped, saying so, otherwise): loop devices stand for attached
 * volumes, a prepared sysfs tree maps the volume's serial to them. ext4 with an unrecovered journal
 * mounts with noload and the disk's hash is the same after; XFS mounts with norecovery; LVM is
 * found (activating it needs device-mapper, which this kernel lacks, and that is reported).
 */
@ExtendWith(MotoServer.class)
class DiskRootTest {

  @TempDir Path tmp;
  Path home;
  String loop;

  @BeforeEach
  void needRoot() {
    assumeTrue(DiskImages.root(), "needs root: loop devices, BLKROSET, mount");
    home = tmp.resolve("home");
    assertThat(CliRun.run("case", "open", "--case", "IR-R", "--examiner", "E", "--home", home.toString()).exit()).isZero();
  }

  @AfterEach
  void detach() {
    if (loop != null) {
      Run.of(null, "losetup", "-d", loop);
    }
  }

  private String attach(Path image) {
    Run r = Run.of(null, "losetup", "--find", "--show", image.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    loop = r.out().trim();
    // A loop device keeps a read-only flag from an earlier user; this one stands for a fresh volume.
    Run.of(null, "blockdev", "--setrw", loop);
    return loop;
  }

  private static Sha256 sha(Path p) throws Exception {
    return Sha256.parse(Run.of(null, "sha256sum", p.toString()).out().substring(0, 64));
  }

  /** ext4 whose journal is flagged as needing recovery: a rw or plain ro mount would write to it. */
  private Path dirtyExt4(String name) throws Exception {
    Path fs = DiskImages.ext4(tmp, name, 32, Map.of("etc/passwd", "root:x:0:0::/root:/bin/sh\nbackdoor:x:0:0::/:/bin/sh\n",
        "var/tmp/.x/xmrig", "miner"));
    Run r = Run.of(null, "debugfs", "-w", "-R", "feature needs_recovery", fs.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(Run.of(null, "dumpe2fs", "-h", fs.toString()).out()).contains("needs_recovery");
    return fs;
  }

  @Test
  void volumePath_onARealDevice_readOnlyImagedMountedWithNoload_umountRehashesAndCleansUp() throws Exception {
    Path disk = DiskImages.partitioned(tmp, "web1.disk", dirtyExt4("web1.ext4"), "dos");
    Sha256 original = sha(disk);
    String device = attach(disk);
    Ec2Client ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1");
    String vol = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(1)).volumeId();
    String snap = ec2.createSnapshot(r -> r.volumeId(vol)).snapshotId();
    String ami = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
    String me = ec2.runInstances(r -> r.imageId(ami).instanceType("m5.large").minCount(1).maxCount(1)
        .placement(p -> p.availabilityZone("us-east-1a"))).instances().get(0).instanceId();
    Path sys = Files.createDirectories(tmp.resolve("sys/block"));
    Path dev = Files.createDirectories(tmp.resolve("dev"));
    // Plays the kernel: when AWS reports the new volume attached to the workstation, its NVMe device appears.
    Thread kernel = new Thread(() -> {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (Instant.now().isBefore(deadline)) {
        var attached = ec2.describeVolumes(r -> r.filters(f -> f.name("tag:custody:case").values("IR-R"))).volumes().stream()
            .filter(v -> v.attachments().stream().anyMatch(a -> me.equals(a.instanceId()))).toList();
        if (!attached.isEmpty()) {
          try {
            String id = attached.get(0).volumeId();
            Path d = Files.createDirectories(sys.resolve("nvme9n1/device"));
            Files.writeString(d.resolve("serial"), id.replace("-", "") + "          \n");
            Files.createSymbolicLink(dev.resolve("nvme9n1"), Path.of(device));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    kernel.start();
    CliRun r = CliRun.aws(home, "acquire", "disk", "--case", "IR-R", "--snapshot", snap, "--workstation", me, "--az", "us-east-1a",
        "--mount", "--md5", "--sysfs", sys.getParent().toString(), "--dev", dev.toString(), "--json");
    kernel.join();
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode out = Json.mapper().readTree(r.out());
    assertThat(BlockDevice.isReadOnly(Path.of(device))).as("BLKROGET after acquisition").isTrue();
    assertThat(out.get("item").get("hashes").get("sha256").asText()).isEqualTo(original.hex());
    JsonNode mounted = out.get("mounted").get("mounted");
    assertThat(mounted).hasSize(1);
    assertThat(mounted.get(0).get("options").asText()).contains("ro", "noload", "noexec");
    Path mnt = Path.of(mounted.get(0).get("mount_point").asText());
    CliRun u;
    try {
      assertThat(Files.readString(mnt.resolve("etc/passwd"))).contains("backdoor:x:0:0");
      // Still attached while mounted.
      assertThat(ec2.describeVolumes(x -> x.volumeIds(out.get("volume").asText())).volumes().get(0).stateAsString()).isEqualTo("in-use");
    } finally {
      u = CliRun.aws(home, "umount", "--case", "IR-R", "--item", snap);
    }
    assertThat(u.exit()).as(u.toString()).isZero();
    assertThat(u.out()).contains(original.hex(), "unchanged");
    assertThat(Files.exists(mnt)).isFalse();
    assertThat(ec2.describeVolumes(x -> x.filters(f -> f.name("tag:custody:case").values("IR-R"))).volumes()).isEmpty();
    Run.of(null, "losetup", "-d", loop);
    loop = null;
    assertThat(sha(disk)).as("the evidence disk was never written").isEqualTo(original);
    assertThat(Run.of(null, "dumpe2fs", "-h", tmp.resolve("web1.ext4").toString()).out()).contains("needs_recovery");
    ec2.close();
  }

  @Test
  void localDevice_setReadOnlyBeforeReading_hashMatchesSha256sum() throws Exception {
    Path fs = DiskImages.ext4(tmp, "data.ext4", 16, Map.of("a.txt", "a"));
    String device = attach(fs);
    assertThat(BlockDevice.isReadOnly(Path.of(device))).isFalse();
    CliRun r = CliRun.run("acquire", "disk", "--case", "IR-R", "--device", device, "--source-id", "vol-0local", "--home", home.toString(), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(BlockDevice.isReadOnly(Path.of(device))).isTrue();
    assertThat(BlockDevice.size(Path.of(device))).isEqualTo(16L << 20);
    assertThat(Json.mapper().readTree(r.out()).get("item").get("hashes").get("sha256").asText())
        .isEqualTo(Run.of(null, "sha256sum", device).out().substring(0, 64));
  }

  @Test
  void xfsOnGpt_mountedNorecoveryNouuid() throws Exception {
    Path fs = tmp.resolve("x.xfs");
    Run mk = Run.of(tmp, Map.of(), List.of("sh", "-c", "truncate -s 320M " + fs + " && mkfs.xfs -q " + fs));
    assertThat(mk.exit()).as(mk.toString()).isZero();
    Path disk = DiskImages.partitioned(tmp, "x.disk", fs, "gpt");
    Sha256 before = sha(disk);
    CliRun r = CliRun.run("acquire", "disk", "--case", "IR-R", "--device", disk.toString(), "--source-id", "vol-0xfs", "--mount",
        "--home", home.toString(), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode m = Json.mapper().readTree(r.out()).get("mounted").get("mounted");
    assertThat(m).hasSize(1);
    CliRun u;
    try {
      assertThat(m.get(0).get("filesystem").asText()).isEqualTo("xfs");
      assertThat(Run.of(null, "findmnt", "-no", "OPTIONS", m.get(0).get("mount_point").asText()).out()).contains("ro", "norecovery");
    } finally {
      u = CliRun.run("umount", "--case", "IR-R", "--item", "vol-0xfs", "--home", home.toString());
    }
    assertThat(u.exit()).as(u.toString()).isZero();
    assertThat(sha(disk)).isEqualTo(before);
  }

  @Test
  void corpusMbr_primaryMounted_logicalWithoutFilesystemNoted() throws Exception {
    Path img = Files.copy(Corpus.path("disk/plaso/tsk_volume_system.raw"), tmp.resolve("tsk.raw"));
    CliRun r = CliRun.run("acquire", "disk", "--case", "IR-R", "--device", img.toString(), "--source-id", "tsk-volume-system", "--mount",
        "--home", home.toString(), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode mounted = Json.mapper().readTree(r.out()).get("mounted");
    try {
      // TSK agrees (fsstat -o 352: Ext2): the logical partition holds the ext2, the primary one nothing.
      assertThat(mounted.get("mounted")).singleElement().satisfies(x -> assertThat(x.get("partition").asText()).contains("partition 5"));
      assertThat(mounted.get("notes").toString()).contains("partition 1", "no mountable filesystem");
    } finally {
      assertThat(CliRun.run("umount", "--case", "IR-R", "--item", "tsk-volume-system", "--home", home.toString()).exit()).isZero();
    }
  }

  @Test
  void lvm_linearVolumeReadFromItsExtents_withoutActivation() throws Exception {
    Path fs = DiskImages.ext4(tmp, "boot.ext4", 16, Map.of("grub/grub.cfg", "linux /vmlinuz"));
    Path disk = tmp.resolve("lvm.disk");
    Run mk = Run.of(tmp, Map.of(), List.of("sh", "-c", "truncate -s 64M " + disk + " && printf 'label: dos\\nstart=2048, size=32768, type=83\\n"
        + "start=36864, size=86016, type=8e\\n' | sfdisk -q " + disk + " && dd if=" + fs + " of=" + disk + " bs=1M seek=1 conv=notrunc status=none"));
    assertThat(mk.exit()).as(mk.toString()).isZero();
    String vg = "custodytest" + Long.toHexString(System.nanoTime());
    Run pv = Run.of(null, "losetup", "--find", "--show", "--offset", Long.toString(36864L * 512), "--sizelimit", Long.toString(86016L * 512), disk.toString());
    String pvLoop = pv.out().trim();
    try {
      Run.of(null, "blockdev", "--setrw", pvLoop);
      String cfg = "devices{filter=[\"a|^" + pvLoop + "$|\",\"r|.*|\"] use_devicesfile=0}";
      assertThat(Run.of(null, "lvm", "pvcreate", "-q", "--config", cfg, pvLoop).exit()).isZero();
      assertThat(Run.of(null, "lvm", "vgcreate", "-q", "--config", cfg, vg, pvLoop).exit()).isZero();
      // lvcreate needs device-mapper; writing the logical volume into the metadata does not.
      Path meta = tmp.resolve("vg.cfg");
      assertThat(Run.of(null, "lvm", "vgcfgbackup", "-q", "--config", cfg, "-f", meta.toString(), vg).exit()).isZero();
      String text = Files.readString(meta);
      String lv = "\n\tlogical_volumes {\n\t\tlv0 {\n\t\t\tid = \"aaaaaa-bbbb-cccc-dddd-eeee-ffff-gggggg\"\n"
          + "\t\t\tstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\n\t\t\tflags = []\n\t\t\tsegment_count = 1\n"
          + "\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 4\n\t\t\t\ttype = \"striped\"\n"
          + "\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = [\n\t\t\t\t\t\"pv0\", 0\n\t\t\t\t]\n\t\t\t}\n\t\t}\n\t}\n";
      int end = text.lastIndexOf('}');
      Files.writeString(meta, text.substring(0, end) + lv + text.substring(end));
      assertThat(Run.of(null, "lvm", "vgcfgrestore", "-q", "--config", cfg, "-f", meta.toString(), vg).exit()).isZero();
    } finally {
      Run.of(null, "losetup", "-d", pvLoop);
    }
    CliRun r = CliRun.run("acquire", "disk", "--case", "IR-R", "--device", disk.toString(), "--source-id", "vol-0lvm", "--mount",
        "--home", home.toString(), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode mounted = Json.mapper().readTree(r.out()).get("mounted");
    try {
      // lv0 is linear: read from its extents (no device-mapper needed), and it holds no file system
      assertThat(mounted.get("mounted")).singleElement().satisfies(x -> assertThat(x.get("filesystem").asText()).isEqualTo("ext4"));
      assertThat(mounted.get("notes").toString()).contains("LVM " + vg + "/lv0: no mountable filesystem");
      assertThat(mounted.get("volume_groups")).as("nothing activated").isEmpty();
    } finally {
      assertThat(CliRun.run("umount", "--case", "IR-R", "--item", "vol-0lvm", "--home", home.toString()).exit()).isZero();
    }
    assertThat(Run.of(null, "losetup", "-j", disk.toString()).out()).as("no loop device left on the disk").isBlank();
  }
}
