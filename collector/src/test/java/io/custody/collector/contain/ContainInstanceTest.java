package io.custody.collector.contain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.CliRun;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.Json;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.elasticloadbalancing.ElasticLoadBalancingClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * The instance playbook against the emulator's seed scenario, judged only by what AWS says
 * afterwards (describe calls), never by what the code reports.
 */
@ExtendWith(MotoServer.class)
class ContainInstanceTest {

  @TempDir Path home;
  SeedScenario seed;
  Ec2Client ec2;
  AutoScalingClient asg;
  ElasticLoadBalancingClient elb;
  ElasticLoadBalancingV2Client elbv2;
  String target;

  @BeforeEach
  void seed() {
    seed = SeedScenario.build(MotoServer.endpoint());
    ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), "us-east-1");
    asg = SeedScenario.client(AutoScalingClient.builder(), MotoServer.endpoint(), "us-east-1");
    elb = SeedScenario.client(ElasticLoadBalancingClient.builder(), MotoServer.endpoint(), "us-east-1");
    elbv2 = SeedScenario.client(ElasticLoadBalancingV2Client.builder(), MotoServer.endpoint(), "us-east-1");
    target = seed.instances.get(0);
    assertThat(CliRun.run("case", "open", "--case", "IR-42", "--examiner", "Jane", "--home", home.toString()).exit()).isZero();
  }

  @AfterEach
  void close() {
    ec2.close();
    asg.close();
    elb.close();
    elbv2.close();
  }

  private CliRun contain(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("contain", "instance", target, "--case", "IR-42", "--ticket", "INC-7",
        "--allow-cidr", "10.9.0.0/24", "--json"));
    args.addAll(List.of(extra));
    return CliRun.aws(home, args.toArray(String[]::new));
  }

  private List<String> eniGroups() {
    return ec2.describeInstances(r -> r.instanceIds(target)).reservations().get(0).instances().get(0).networkInterfaces().stream()
        .flatMap(n -> n.groups().stream()).map(g -> g.groupId()).toList();
  }

  private List<software.amazon.awssdk.services.ec2.model.Snapshot> caseSnapshots() {
    return ec2.describeSnapshots(r -> r.ownerIds("self").filters(Filter.builder().name("tag:custody:case").values("IR-42").build())).snapshots();
  }

  @Test
  void contain_seedScenario_awsStateIsContained() throws Exception {
    List<String> original = eniGroups();
    List<String> volumes = ec2.describeInstances(r -> r.instanceIds(target)).reservations().get(0).instances().get(0)
        .blockDeviceMappings().stream().map(b -> b.ebs().volumeId()).toList();
    assertThat(volumes).hasSize(2);

    CliRun r = contain();
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode steps = Json.mapper().readTree(r.out()).get("steps");
    assertThat(steps).extracting(s -> s.get("name").asText()).containsExactly("capture-metadata", "capture-console",
        "termination-protection", "isolate", "detach-asg", "deregister-elb", "snapshot-volumes", "tag-instance");

    // Out of the Auto Scaling group, which kept its desired capacity.
    assertThat(asg.describeAutoScalingInstances(x -> x.instanceIds(target)).autoScalingInstances()).isEmpty();
    assertThat(asg.describeAutoScalingGroups(x -> x.autoScalingGroupNames(seed.asgName)).autoScalingGroups().get(0).desiredCapacity()).isEqualTo(2);
    // Out of both balancers.
    assertThat(elb.describeLoadBalancers(x -> x.loadBalancerNames(seed.classicLb)).loadBalancerDescriptions().get(0).instances())
        .extracting(i -> i.instanceId()).doesNotContain(target);
    assertThat(elbv2.describeTargetHealth(x -> x.targetGroupArn(seed.targetGroupArn)).targetHealthDescriptions())
        .extracting(h -> h.target().id()).doesNotContain(target);
    // Only the quarantine group: no egress, ingress only from the allowed CIDR.
    List<String> groups = eniGroups();
    assertThat(groups).hasSize(1);
    SecurityGroup q = ec2.describeSecurityGroups(x -> x.groupIds(groups.get(0))).securityGroups().get(0);
    assertThat(q.tags()).anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("custody:role=quarantine"));
    assertThat(q.ipPermissionsEgress()).isEmpty();
    assertThat(q.ipPermissions()).singleElement().satisfies(p -> {
      assertThat(p.ipProtocol()).isEqualTo("-1");
      assertThat(p.ipRanges()).extracting(x -> x.cidrIp()).containsExactly("10.9.0.0/24");
    });
    // Termination protection, shutdown behaviour stop.
    assertThat(ec2.describeInstanceAttribute(x -> x.instanceId(target).attribute(InstanceAttributeName.DISABLE_API_TERMINATION))
        .disableApiTermination().value()).isTrue();
    assertThat(ec2.describeInstanceAttribute(x -> x.instanceId(target).attribute(InstanceAttributeName.INSTANCE_INITIATED_SHUTDOWN_BEHAVIOR))
        .instanceInitiatedShutdownBehavior().value()).isEqualTo("stop");
    // Exactly one tagged snapshot per volume.
    Map<String, Long> perVolume = caseSnapshots().stream().collect(Collectors.groupingBy(s -> s.volumeId(), Collectors.counting()));
    assertThat(perVolume).containsOnlyKeys(volumes).allSatisfy((v, n) -> assertThat(n).isEqualTo(1));
    assertThat(caseSnapshots()).allSatisfy(s -> assertThat(s.tags()).extracting(t -> t.key() + "=" + t.value())
        .contains("custody:ticket=INC-7", "custody:instance=" + target));
    // Instance tags.
    assertThat(ec2.describeInstances(x -> x.instanceIds(target)).reservations().get(0).instances().get(0).tags())
        .extracting(t -> t.key() + "=" + t.value()).contains("custody:case=IR-42", "custody:ticket=INC-7", "custody:state=quarantined");
    // The other web instance is untouched.
    assertThat(asg.describeAutoScalingInstances(x -> x.instanceIds(seed.instances.get(1))).autoScalingInstances()).hasSize(1);

    Case kase = CaseStore.at(home, Clock.systemUTC()).load("IR-42");
    ChainReport chain = kase.log().verify();
    assertThat(chain.problems()).isEmpty();
    assertThat(io.custody.evidence.custody.CustodyLog.openIntents(chain.entries())).isEmpty();
    // Every change has its AWS request id in the outcome entry.
    assertThat(chain.entries()).filteredOn(e -> e.event().equals("contained") && e.refersTo() != null)
        .isNotEmpty().allSatisfy(e -> assertThat(e.aws().requestId()).isNotBlank());
    assertThat(kase.items()).extracting(Item::name).contains("instance-metadata.json", "eni-groups-before-isolation.json");
    JsonNode saved = Json.mapper().readTree(kase.readSmallItem(kase.findItem(io.custody.evidence.workspace.ItemType.METADATA, target,
        "eni-groups-before-isolation.json").orElseThrow(), 1 << 20));
    assertThat(saved.get("network_interfaces").toString()).contains(original);
    JsonNode metadata = Json.mapper().readTree(kase.readSmallItem(kase.findItem(io.custody.evidence.workspace.ItemType.METADATA, target,
        "instance-metadata.json").orElseThrow(), 16 << 20));
    assertThat(metadata.get("IamInstanceProfile").get("Roles").get(0).get("RoleName").asText()).isEqualTo("web-role");
    assertThat(metadata.get("DescribeVolumes").get("Volumes")).hasSize(2);
    assertThat(metadata.get("DescribeInstances").get("Reservations").get(0).get("Instances").get(0).get("InstanceId").asText()).isEqualTo(target);
  }

  @Test
  void rerun_changesNothingAndDuplicatesNothing() throws Exception {
    assertThat(contain().exit()).isZero();
    int snapshots = caseSnapshots().size();
    List<String> groups = eniGroups();
    int entries = CaseStore.at(home, Clock.systemUTC()).load("IR-42").log().verify().count();
    CliRun again = contain();
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(caseSnapshots()).hasSize(snapshots);
    assertThat(eniGroups()).isEqualTo(groups);
    JsonNode steps = Json.mapper().readTree(again.out()).get("steps");
    assertThat(steps).allSatisfy(s -> assertThat(s.get("status").asText()).isEqualTo("done"));
    assertThat(steps).allSatisfy(s -> assertThat(s.has("requestId")).isFalse());
    // No AWS change on the rerun: no new 'contained' entries.
    Case kase = CaseStore.at(home, Clock.systemUTC()).load("IR-42");
    assertThat(kase.log().verify().entries().subList(entries, kase.log().verify().count()))
        .noneMatch(e -> e.event().equals("contained"));
    assertThat(ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("tag:custody:case").values("IR-42").build())).securityGroups())
        .hasSize(2);
  }

  @Test
  void dryRun_plansEverythingChangesNothing() throws Exception {
    List<String> before = eniGroups();
    int entries = CaseStore.at(home, Clock.systemUTC()).load("IR-42").log().verify().count();
    CliRun r = contain("--dry-run", "--stop", "--detach-profile");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode steps = Json.mapper().readTree(r.out()).get("steps");
    assertThat(steps).allSatisfy(s -> assertThat(s.get("status").asText()).isIn("planned", "done"));
    assertThat(eniGroups()).isEqualTo(before);
    assertThat(caseSnapshots()).isEmpty();
    assertThat(asg.describeAutoScalingInstances(x -> x.instanceIds(target)).autoScalingInstances()).hasSize(1);
    assertThat(ec2.describeInstances(x -> x.instanceIds(target)).reservations().get(0).instances().get(0).state().nameAsString()).isEqualTo("running");
    assertThat(CaseStore.at(home, Clock.systemUTC()).load("IR-42").log().verify().count()).isEqualTo(entries);
  }

  @Test
  void release_restoresTheSavedGroups() throws Exception {
    List<String> before = eniGroups();
    assertThat(contain().exit()).isZero();
    assertThat(eniGroups()).isNotEqualTo(before);
    CliRun r = CliRun.aws(home, "contain", "instance", target, "--case", "IR-42", "--release", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(eniGroups()).isEqualTo(before);
  }

  @Test
  void stop_refusedWhileMemoryCaptureUnfinished_thenForced() {
    Case kase = CaseStore.at(home, Clock.systemUTC()).load("IR-42");
    kase.log().begin(Event.of("acquired").object(CustodyObject.source(target, "memory")).notes("memory capture begun"));
    CliRun refused = contain("--stop");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("memory capture");
    assertThat(ec2.describeInstances(x -> x.instanceIds(target)).reservations().get(0).instances().get(0).state().nameAsString()).isEqualTo("running");
    CliRun forced = contain("--stop", "--force", "--detach-profile");
    assertThat(forced.exit()).as(forced.toString()).isZero();
    assertThat(ec2.describeInstances(x -> x.instanceIds(target)).reservations().get(0).instances().get(0).state().nameAsString())
        .isIn("stopped", "stopping");
    assertThat(ec2.describeIamInstanceProfileAssociations(x -> x.filters(Filter.builder().name("instance-id").values(target).build()))
        .iamInstanceProfileAssociations()).noneMatch(a -> "associated".equals(a.stateAsString()));
  }

  @Test
  void badInput_clearErrorsAndNothingHalfDone() {
    CliRun unknown = CliRun.aws(home, "contain", "instance", "i-0123456789abcdef0", "--case", "IR-42", "--ticket", "T");
    assertThat(unknown.exit()).as("AWS answered: not found").isEqualTo(3);
    assertThat(unknown.err()).contains("i-0123456789abcdef0", "--region");
    CliRun malformed = CliRun.aws(home, "contain", "instance", "web-1", "--case", "IR-42", "--ticket", "T");
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).contains("Failed to parse instance id 'web-1'");
    CliRun otherRegion = CliRun.run("contain", "instance", target, "--case", "IR-42", "--ticket", "T", "--home", home.toString(),
        "--endpoint-url", MotoServer.endpoint().toString(), "--region", "eu-west-1");
    assertThat(otherRegion.exit()).isEqualTo(3);
    assertThat(otherRegion.err()).contains(target, "eu-west-1");
    CliRun noCase = CliRun.aws(home, "contain", "instance", target, "--case", "NOPE", "--ticket", "T");
    assertThat(noCase.exit()).isEqualTo(2);
    int groupsBefore = ec2.describeSecurityGroups().securityGroups().size();
    List<String> enisBefore = eniGroups();
    for (String[] bad : List.of(new String[] {"--allow-cidr", "999.1.1.1/99"}, new String[] {"--allow-cidr", "10.0.0.0/24", "--allow-cidr", "10.0.0.0"},
        new String[] {"--allow-cidr", "2001:db8::/129"}, new String[] {"--ticket", "INC-1; rm -rf /"})) {
      List<String> args = new java.util.ArrayList<>(List.of("contain", "instance", target, "--case", "IR-42", "--ticket", "T"));
      args.addAll(List.of(bad));
      CliRun r = CliRun.aws(home, args.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", bad) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", bad)).containsAnyOf("Failed to parse CIDR", "ticket");
    }
    assertThat(ec2.describeSecurityGroups().securityGroups()).as("checked before the first change: no group made").hasSize(groupsBefore);
    assertThat(eniGroups()).as("the instance untouched").isEqualTo(enisBefore);
    assertThat(CaseStore.at(home, Clock.systemUTC()).load("IR-42").log().verify().entries())
        .noneMatch(e -> e.event().equals("contained"));
  }

  private static Object forward(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The test seam at the gateway: an EC2 whose interface changes are accepted and never take effect
   * (as the emulator's DescribeNetworkInterfaces once showed): isolate must fail, saying what it found.
   */
  @Test
  void isolationThatDoesNotShowWhenReadBack_failsWithWhatWasFound() throws Exception {
    List<String> before = eniGroups();
    try (io.custody.collector.aws.AwsSession real = io.custody.collector.aws.AwsSession.open(
        new io.custody.collector.aws.AwsConfig("us-east-1", null, MotoServer.endpoint()))) {
      io.custody.collector.aws.Ec2Gateway realEc2 = real.ec2();
      ClassLoader cl = getClass().getClassLoader();
      var ignoring = (io.custody.collector.aws.Ec2Gateway) java.lang.reflect.Proxy.newProxyInstance(cl,
          new Class<?>[] {io.custody.collector.aws.Ec2Gateway.class}, (p, m, a) -> m.getName().equals("setGroups")
              ? new io.custody.collector.aws.Change("ec2:ModifyNetworkInterfaceAttribute", a[0].toString(), "req-ignored", false)
              : forward(realEc2, m, a));
      var session = (io.custody.collector.aws.AwsSession) java.lang.reflect.Proxy.newProxyInstance(cl,
          new Class<?>[] {io.custody.collector.aws.AwsSession.class}, (p, m, a) -> m.getName().equals("ec2") && (a == null || a.length == 0)
              ? ignoring : forward(real, m, a));
      Case kase = CaseStore.at(home, Clock.systemUTC()).load("IR-42");
      PlaybookReport r = new InstancePlaybook(kase, session, new io.custody.evidence.ids.InstanceId(target),
          new InstancePlaybook.Options("INC-7", List.of("10.9.0.0/24"), false, false, false, false), Clock.systemUTC(), System.err).contain();
      StepResult isolate = r.steps().stream().filter(st -> st.name().equals("isolate")).findFirst().orElseThrow();
      assertThat(isolate.status()).isEqualTo(StepStatus.FAILED);
      assertThat(isolate.detail()).contains("does not show when read back", before.get(0), "instead of only quarantine");
      assertThat(r.exitCode()).isEqualTo(io.custody.evidence.ExitCode.AWS);
      assertThat(r.steps()).filteredOn(st -> !st.name().equals("isolate")).allSatisfy(st -> assertThat(st.status()).isNotEqualTo(StepStatus.FAILED));
    }
    assertThat(eniGroups()).isEqualTo(before);
  }

  @Test
  void endpointUrlWithPassword_writtenNowhere() throws Exception {
    String endpoint = MotoServer.endpoint().toString().replace("://", "://forensic:hunter2-secret@");
    CliRun r = CliRun.run("contain", "instance", target, "--case", "IR-42", "--ticket", "INC-7", "--dry-run", "--home", home.toString(),
        "--endpoint-url", endpoint, "--region", MotoServer.REGION);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out() + r.err()).doesNotContain("hunter2");
    try (var files = java.nio.file.Files.walk(home)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        assertThat(new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain("hunter2");
      }
    }
    assertThat(java.nio.file.Files.readString(home.resolve("cases/IR-42/tool/acquisition.log"))).contains("://***@");
  }
}
