package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.testing.Run;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * kill -9 at random points of {@code custody contain instance}, at least ten times, then a rerun:
 * the plan completes with no duplicate snapshot or group and a valid custody chain.
 */
@ExtendWith(MotoServer.class)
class CrashResumeIT {

  @TempDir Path tmp;

  private static long steps(Path log) throws java.io.IOException {
    return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.trim().startsWith("[")).count() : 0;
  }

  @Test
  void containInstance_killedAtRandomPoints_resumesToTheSameEnd() throws Exception {
    SeedScenario seed = SeedScenario.build(MotoServer.endpoint());
    String target = seed.instances.get(0);
    Path home = tmp.resolve("home");
    Cli cli = new Cli(home).env("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY).env("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY);
    assertThat(cli.custody("case", "open", "--case", "IR-CR", "--examiner", "E").exit()).isZero();
    List<String> cmd = List.of(Cli.REPO.resolve("bin/custody").toString(), "contain", "instance", target, "--case", "IR-CR",
        "--ticket", "INC-1", "--allow-cidr", "10.9.0.0/24", "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1",
        "--no-progress");

    // How long an uninterrupted run takes here (containing the other web instance), so kills land
    // anywhere from JVM start to the last step.
    long t0 = System.nanoTime();
    List<String> other = new ArrayList<>(cmd);
    other.set(3, seed.instances.get(1));
    Run full = cli.run(other.get(0), other.subList(1, other.size()).toArray(String[]::new));
    assertThat(full.exit()).as(full.toString()).isZero();
    int fullMillis = (int) ((System.nanoTime() - t0) / 1_000_000);

    Random random = new Random(Long.getLong("custody.crash.seed", System.nanoTime()));
    List<Long> killedAt = new ArrayList<>();
    int kills = 0;
    for (int attempt = 0; attempt < 30 && kills < 10; attempt++) {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("run-" + attempt + ".log").toFile());
      pb.environment().put("CUSTODY_HOME", home.toString());
      pb.environment().put("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY);
      pb.environment().put("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY);
      Process p = pb.start();
      // Kill after a random number of finished steps plus a random moment: every step gets hit.
      Path log = tmp.resolve("run-" + attempt + ".log");
      int afterSteps = random.nextInt(8);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(fullMillis * 3L);
      while (p.isAlive() && steps(log) < afterSteps && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(random.nextInt(Math.max(1, fullMillis / 8)));
      if (p.isAlive()) {
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        p.waitFor();
        kills++;
        killedAt.add(steps(log));
      } else {
        p.waitFor();
      }
    }
    assertThat(kills).as("killed mid-run").isGreaterThanOrEqualTo(10);

    Run last = cli.run(cmd.get(0), cmd.subList(1, cmd.size()).toArray(String[]::new));
    assertThat(last.exit()).as(last.toString()).isZero();

    try (Ec2Client ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1");
        AutoScalingClient asg = SeedScenario.client(AutoScalingClient.builder(), MotoServer.endpoint(), "us-east-1")) {
      var instance = ec2.describeInstances(r -> r.instanceIds(target)).reservations().get(0).instances().get(0);
      List<String> volumes = instance.blockDeviceMappings().stream().map(b -> b.ebs().volumeId()).toList();
      var snapshots = ec2.describeSnapshots(r -> r.ownerIds("self").filters(Filter.builder().name("tag:custody:case").values("IR-CR").build(),
          Filter.builder().name("tag:custody:instance").values(target).build())).snapshots();
      Map<String, Long> perVolume = snapshots.stream().collect(Collectors.groupingBy(s -> s.volumeId(), Collectors.counting()));
      assertThat(perVolume).as("exactly one snapshot per volume after %d kills", kills).containsOnlyKeys(volumes)
          .allSatisfy((v, n) -> assertThat(n).isEqualTo(1));
      var groups = ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("tag:custody:case").values("IR-CR").build())).securityGroups();
      assertThat(groups).as("one quarantine and one allow-all group").hasSize(2);
      String quarantine = groups.stream().filter(g -> g.groupName().contains("quarantine")).findFirst().orElseThrow().groupId();
      assertThat(instance.networkInterfaces()).allSatisfy(n -> assertThat(n.groups()).extracting(g -> g.groupId()).containsExactly(quarantine));
      assertThat(asg.describeAutoScalingInstances(r -> r.instanceIds(target)).autoScalingInstances()).isEmpty();
    }

    Case kase = CaseStore.at(home, Clock.systemUTC()).load("IR-CR");
    ChainReport chain = kase.log().verify();
    assertThat(chain.problems()).as("custody chain after %d kills", kills).isEmpty();
    // The saved original groups are those from before the first change, never a half-isolated state.
    var saved = kase.findItem(io.custody.evidence.workspace.ItemType.METADATA, target, "eni-groups-before-isolation.json").orElseThrow();
    assertThat(new String(kase.readSmallItem(saved, 1 << 20))).contains(seed.webAppGroupId).doesNotContain("custody-");
    assertThat(kase.interruptedItems()).isEmpty();
    List<CustodyEntry> recovered = chain.entries().stream().filter(e -> e.event().equals("log-recovered")).toList();
    System.out.println("full run " + fullMillis + " ms; kills=" + kills + " at " + killedAt + " steps done" + ", entries=" + chain.count() + ", torn entries recovered=" + recovered.size()
        + ", actions left open by kills=" + io.custody.evidence.custody.CustodyLog.openIntents(chain.entries()).size());
    Files.writeString(tmp.resolve("summary.txt"), "ok");
  }

  /**
   * The process halted (as kill -9) before each custody entry of a whole {@code contain instance}
   * run, once per entry, each time on a fresh instance and case; the rerun must close every intent the
   * halted run left open, with the resources it finds (the snapshot ids among them), and make nothing
   * twice.
   */
  @Test
  void containInstance_haltedBeforeEveryEntry_rerunRecordsWhatTheHaltedRunDid() throws Exception {
    SeedScenario seed = SeedScenario.build(MotoServer.endpoint());
    Path home = tmp.resolve("home");
    Cli cli = new Cli(home).env("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY).env("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY);
    try (Ec2Client ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1")) {
      var template = ec2.describeInstances(r -> r.instanceIds(seed.instances.get(0))).reservations().get(0).instances().get(0);
      int entries = -1;
      List<String> outcomes = new ArrayList<>();
      for (int halt = 2; entries < 0 || halt <= entries; halt++) {
        String caseId = "IR-H" + halt;
        // The web group is put on the ENI after launch, as SeedScenario does: the emulator adds an instance's launch-time
        // SecurityGroupIds to every ENI's groups whatever is set later (AWS does not), which the isolate step's read-back
        // rightly reports as not isolated.
        var launched = ec2.runInstances(r -> r.imageId(template.imageId()).instanceType("t3.micro").minCount(1).maxCount(1)
            .subnetId(template.subnetId()).blockDeviceMappings(b -> b.deviceName("/dev/sdf").ebs(e -> e.volumeSize(1)))).instances().get(0);
        String instance = launched.instanceId();
        launched.networkInterfaces().forEach(n -> ec2.modifyNetworkInterfaceAttribute(m -> m.networkInterfaceId(n.networkInterfaceId())
            .groups(seed.webAppGroupId)));
        assertThat(cli.custody("case", "open", "--case", caseId, "--examiner", "E").exit()).isZero();
        List<String> cmd = List.of("contain", "instance", instance, "--case", caseId, "--ticket", "INC-1", "--allow-cidr", "10.9.0.0/24",
            "--endpoint-url", MotoServer.endpoint().toString(), "--region", "us-east-1", "--no-progress");
        Run halted = new Cli(home).env("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY).env("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY)
            .env("CUSTODY_FAULT_HALT_BEFORE_ENTRY", Integer.toString(halt)).custody(cmd.toArray(String[]::new));
        Case kase = CaseStore.at(home, Clock.systemUTC()).load(caseId);
        if (halted.exit() == 0) {
          entries = (int) kase.log().verify().count(); // the run wrote fewer entries than this: every point is covered
          assertThat(halt).as("a halt point past the end of a whole run").isGreaterThan(entries);
          break;
        }
        assertThat(halted.exit()).as(halted.toString()).isEqualTo(137);
        int openAfterHalt = io.custody.evidence.custody.CustodyLog.openIntents(kase.log().verify().entries()).size();
        Run rerun = cli.custody(cmd.toArray(String[]::new));
        assertThat(rerun.exit()).as("rerun after a halt before entry %d: %s", halt, rerun).isZero();
        ChainReport chain = kase.log().verify();
        assertThat(chain.problems()).as("halt before %d", halt).isEmpty();
        assertThat(io.custody.evidence.custody.CustodyLog.openIntents(chain.entries())).as("intents left open after a halt before %d: %s; items %s", halt, rerun, java.util.Arrays.toString(kase.dir().resolve("items").toFile().list()))
            .isEmpty();
        var volumes = ec2.describeInstances(r -> r.instanceIds(instance)).reservations().get(0).instances().get(0).blockDeviceMappings()
            .stream().map(b -> b.ebs().volumeId()).toList();
        var snapshots = ec2.describeSnapshots(r -> r.ownerIds("self").filters(Filter.builder().name("tag:custody:case").values(caseId).build()))
            .snapshots();
        assertThat(snapshots).as("one snapshot per volume, halt before %d", halt).hasSize(volumes.size());
        String recorded = chain.entries().stream().flatMap(e -> e.objects().stream()).map(o -> String.valueOf(o.sourceId()))
            .collect(Collectors.joining(" "));
        assertThat(snapshots).as("every snapshot id in the custody log, halt before %d", halt)
            .allSatisfy(sn -> assertThat(recorded).contains(sn.snapshotId()));
        assertThat(ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("tag:custody:case").values(caseId).build())).securityGroups())
            .as("groups, halt before %d", halt).hasSize(2);
        outcomes.add(halt + ":" + openAfterHalt);
      }
      assertThat(entries).as("halted before every entry of a whole run").isGreaterThan(10);
      System.out.println("contain instance halted before each of " + (entries - 1) + " entries (halt:open intents left) " + outcomes);
    }
  }
}
