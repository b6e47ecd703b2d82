package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.workspace.CaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/** Ctrl-C (SIGINT/SIGTERM) while waiting for the device: the volume is still detached, deleted and recorded. */
@ExtendWith(MotoServer.class)
class DiskInterruptIT {

  @TempDir Path tmp;

  @Test
  void interruptedAcquisition_cleansUpTheVolume() throws Exception {
    Path home = tmp.resolve("home");
    Cli cli = new Cli(home);
    assertThat(cli.custody("case", "open", "--case", "IR-INT", "--examiner", "E").exit()).isZero();
    String snap;
    String me;
    try (Ec2Client ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1")) {
      String vol = ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(8)).volumeId();
      snap = ec2.createSnapshot(r -> r.volumeId(vol)).snapshotId();
      String ami = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
      me = ec2.runInstances(r -> r.imageId(ami).instanceType("m5.large").minCount(1).maxCount(1)
          .placement(p -> p.availabilityZone("us-east-1a"))).instances().get(0).instanceId();
    }
    Files.createDirectories(tmp.resolve("sys/block"));
    ProcessBuilder pb = new ProcessBuilder(Cli.REPO.resolve("bin/custody").toString(), "acquire", "disk", "--case", "IR-INT", "--snapshot", snap,
        "--workstation", me, "--az", "us-east-1a", "--device-timeout", "600", "--sysfs", tmp.resolve("sys").toString(), "--dev",
        tmp.resolve("dev").toString(), "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1", "--no-progress")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile());
    pb.environment().put("CUSTODY_HOME", home.toString());
    pb.environment().put("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY);
    Process p = pb.start();
    // Wait until the volume is attached (the run then waits for its device), then interrupt.
    try (Ec2Client ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1")) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      while (Instant.now().isBefore(deadline) && ec2.describeVolumes(r -> r.filters(Filter.builder().name("tag:custody:case").values("IR-INT").build()))
          .volumes().stream().noneMatch(v -> !v.attachments().isEmpty())) {
        Thread.sleep(200);
      }
      p.destroy(); // SIGTERM: what Ctrl-C's SIGINT also does, shutdown hooks run
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String log = Files.readString(tmp.resolve("run.log"));
      assertThat(ec2.describeVolumes(r -> r.filters(Filter.builder().name("tag:custody:case").values("IR-INT").build())).volumes())
          .as(log).isEmpty();
    }
    var entries = CaseStore.at(home, Clock.systemUTC()).load("IR-INT").log().verify().entries();
    assertThat(entries).filteredOn(e -> e.aws() != null && e.refersTo() != null).extracting(e -> e.aws().api())
        .containsAll(List.of("ec2:CreateVolume", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume"));
  }
}
