package io.custody.collector.contain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.CliRun;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.Json;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.iam.IamClient;

/** The account sweep over several regions, with an attacker's footprint seeded in the emulator. */
@ExtendWith(MotoServer.class)
class SweepTest {

  @TempDir Path home;

  @Test
  void sweep_findsTheFootprintInEveryRegion_andSaysWhatWasNotAnswered() throws Exception {
    Instant since = Instant.now().minus(1, ChronoUnit.HOURS);
    String key;
    try (Ec2Client west = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-west-2");
        IamClient iam = SeedScenario.client(IamClient.builder(), MotoServer.endpoint(), "us-east-1")) {
      iam.createUser(r -> r.userName("leaky"));
      key = iam.createAccessKey(r -> r.userName("leaky")).accessKey().accessKeyId();
      iam.createUser(r -> r.userName("backdoor"));
      iam.createAccessKey(r -> r.userName("backdoor"));
      String ami = west.describeImages(r -> r.owners("amazon").filters(Filter.builder().name("architecture").values("x86_64").build()))
          .images().get(0).imageId();
      west.runInstances(r -> r.imageId(ami).instanceType("c5.4xlarge").minCount(2).maxCount(2));
      west.createKeyPair(r -> r.keyName("attacker"));
      String vol = west.createVolume(r -> r.availabilityZone("us-west-2a").size(10)).volumeId();
      String snap = west.createSnapshot(r -> r.volumeId(vol)).snapshotId();
      west.modifySnapshotAttribute(r -> r.snapshotId(snap).attribute("createVolumePermission").operationType("add").userIds("999988887777"));
    }
    assertThat(CliRun.run("case", "open", "--case", "IR-5", "--examiner", "Jane", "--home", home.toString()).exit()).isZero();
    CliRun r = CliRun.aws(home, "sweep", "--case", "IR-5", "--access-key", key, "--since", since.toString(), "--regions", "us-east-1,us-west-2", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode regions = Json.mapper().readTree(r.out()).get("regions");
    assertThat(regions).extracting(n -> n.get("region").asText()).containsExactly("iam (global)", "us-east-1", "us-west-2");
    JsonNode global = regions.get(0);
    assertThat(global.get("counts").get("iam_users").asInt()).isEqualTo(2);
    JsonNode west = regions.get(2);
    assertThat(west.get("counts").get("instances").asInt()).isEqualTo(2);
    assertThat(west.get("counts").get("key_pairs").asInt()).isEqualTo(1);
    assertThat(west.get("shared")).extracting(JsonNode::asText).anySatisfy(s -> assertThat(s).contains("account 999988887777"));
    assertThat(regions.get(1).get("counts").get("instances").asInt()).isZero();
    // The emulator has no CloudTrail event history: said, not hidden.
    assertThat(west.get("unanswered")).extracting(JsonNode::asText).anySatisfy(s -> assertThat(s).startsWith("cloudtrail:LookupEvents"));

    Case kase = CaseStore.at(home, Clock.systemUTC()).load("IR-5");
    Item item = kase.items().stream().filter(i -> i.id().equals(west.get("item").asText())).findFirst().orElseThrow();
    JsonNode doc = Json.mapper().readTree(kase.readSmallItem(item, 64 << 20));
    assertThat(doc.get("region").asText()).isEqualTo("us-west-2");
    assertThat(doc.get("instances").get(0).get("InstanceType").asText()).isEqualTo("c5.4xlarge");
    assertThat(doc.get("shared_with_other_accounts")).hasSize(1);
    assertThat(kase.log().verify().problems()).isEmpty();
  }

  /**
   * "--regions all" means every region DescribeRegions reports enabled. (Sweeping all of them in the
   * emulator takes minutes, each region's backend being built on first use; the two-region test
   * above covers what a region's sweep does.)
   */
  @Test
  void allRegions_areTheEnabledOnes() {
    io.custody.evidence.workspace.Case kase = io.custody.evidence.workspace.CaseStore.at(home, Clock.systemUTC())
        .open("IR-6", "Jane", null, null);
    try (var session = io.custody.collector.aws.AwsSession.open(new io.custody.collector.aws.AwsConfig("us-east-1", null, MotoServer.endpoint()));
        Ec2Client ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1")) {
      var sweep = new Sweep(kase, session, Clock.systemUTC(), new java.io.PrintStream(java.io.PrintStream.nullOutputStream()));
      List<String> all = sweep.regions(new Sweep.Options(null, null, Instant.EPOCH, null));
      assertThat(all).hasSizeGreaterThan(10).contains("us-east-1", "eu-west-1")
          .containsExactlyInAnyOrderElementsOf(ec2.describeRegions().regions().stream().map(r -> r.regionName()).toList());
      assertThat(sweep.regions(new Sweep.Options(null, null, Instant.EPOCH, List.of("us-west-2")))).containsExactly("us-west-2");
    }
  }

  @Test
  void sweep_badInput() {
    assertThat(CliRun.run("case", "open", "--case", "IR-7", "--examiner", "Jane", "--home", home.toString()).exit()).isZero();
    assertThat(CliRun.aws(home, "sweep", "--case", "IR-7", "--since", "yesterday").exit()).isEqualTo(2);
    assertThat(CliRun.aws(home, "sweep", "--case", "IR-7", "--principal", "backdoor").exit()).isEqualTo(2);
    assertThat(CliRun.aws(home, "sweep", "--case", "IR-7", "--access-key", "AKIAIOSFODNN7EXAMPLE", "--principal", "arn:aws:iam::1:user/x").exit())
        .isEqualTo(2);
  }
}
