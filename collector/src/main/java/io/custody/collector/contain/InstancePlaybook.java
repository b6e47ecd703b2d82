package io.custody.collector.contain;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.aws.InstanceInfo;
import io.custody.collector.aws.LoadBalancingGateway;
import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.ExitCode;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.ids.Cidr;
import io.custody.evidence.custody.Acquisitions;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.VolumeId;
import io.custody.evidence.workspace.Case;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code custody contain instance}: the instance playbook of the IR procedure, steps in this order:
 * capture-metadata, capture-console, termination-protection, isolate, detach-asg, deregister-elb,
 * snapshot-volumes, tag-instance, then detach-profile and stop when asked. Every step looks at the
 * present state first, so a rerun after a crash completes the plan without a second snapshot or group.
 */
public final class InstancePlaybook {

  /** What an EC2 tag value may hold. */
  private static final Pattern TICKET = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,256}");

  /**
   * @param allowCidrs CIDRs the quarantine group admits (the forensic workstation); may be empty
   * @param force stop even though a memory capture of the instance began and did not succeed
   */
  public record Options(String ticket, List<String> allowCidrs, boolean detachProfile, boolean stop, boolean force, boolean dryRun) {
    /** Every argument is checked here, before the first AWS call: a bad one changes nothing. */
    public Options {
      allowCidrs = allowCidrs.stream().map(c -> new Cidr(c).value()).toList();
      if (ticket != null && !TICKET.matcher(ticket).matches()) {
        throw new InvalidInputException("Failed to use --ticket '" + Printable.of(ticket) + "': an EC2 tag value holds 1-256 letters, digits, "
            + "spaces and _ . : / = + - @");
      }
    }
  }

  private final Case kase;
  private final AwsSession aws;
  private final Ec2Gateway ec2;
  private final InstanceId id;
  private final Options opt;
  private final ChangeRecorder rec;
  private final Evidence evidence;
  private final Clock clock;
  private final PrintStream log;

  public InstancePlaybook(Case kase, AwsSession aws, InstanceId id, Options options, Clock clock, PrintStream log) {
    this.kase = kase;
    this.aws = aws;
    this.ec2 = aws.ec2();
    this.id = id;
    this.opt = options;
    this.rec = new ChangeRecorder(kase, aws.region(), options.dryRun(), "contained");
    this.evidence = new Evidence(kase);
    this.clock = clock;
    this.log = log;
  }

  /** Runs the containment plan. */
  public PlaybookReport contain() {
    if (opt.ticket() == null || opt.ticket().isBlank()) {
      throw new InvalidInputException("Failed to contain instance '" + id + "': --ticket is required");
    }
    InstanceInfo first = ec2.describeInstance(id);
    InstanceEvidence capture = new InstanceEvidence(aws, evidence, id, clock, opt.dryRun());
    Isolation isolation = new Isolation(ec2, rec, evidence, kase.id(), id);
    List<Playbook.Step> steps = new ArrayList<>();
    steps.add(Playbook.step("capture-metadata", () -> capture.captureMetadata(first)));
    steps.add(Playbook.step("capture-console", capture::captureConsole));
    // A step that changes something is done only when its effect reads back (the last argument; Playbook, ReadBack).
    steps.add(Playbook.step("termination-protection", this::terminationProtection, this::protectionProblem));
    steps.add(Playbook.step("isolate", () -> isolation.isolate(ec2.describeInstance(id), opt.allowCidrs()), isolation::isolationProblem));
    steps.add(Playbook.step("detach-asg", this::detachAsg, () -> aws.autoScaling().groupOf(id).map(g -> "still in Auto Scaling group " + g)
        .orElse(null)));
    steps.add(Playbook.step("deregister-elb", this::deregisterElb, this::loadBalancerProblem));
    steps.add(Playbook.step("snapshot-volumes", () -> snapshotVolumes(ec2.describeInstance(id))));
    steps.add(Playbook.step("tag-instance", this::tagInstance, this::tagProblem));
    if (opt.detachProfile()) {
      steps.add(Playbook.step("detach-profile", this::detachProfile, () -> ec2.profileAssociation(id)
          .map(a -> "instance profile " + a.profileArn() + " still associated (" + a.associationId() + ")").orElse(null)));
    }
    if (opt.stop()) {
      steps.add(Playbook.step("stop", this::stop, () -> {
        String state = ec2.describeInstance(id).state();
        return state.equals("stopped") || state.equals("stopping") ? null : "the instance is " + state;
      }));
    }
    log.println("custody: containing " + id + " in " + ec2.region() + " for case " + kase.id() + (opt.dryRun() ? " (dry run: nothing changes)" : ""));
    return new Playbook(steps, rec, List.of(id.value()), log).run();
  }

  /** Undoes the isolation: every ENI gets back the groups saved before it. */
  public PlaybookReport release() {
    Isolation isolation = new Isolation(ec2, rec, evidence, kase.id(), id);
    log.println("custody: releasing " + id + " from isolation for case " + kase.id());
    return new Playbook(List.of(Playbook.step("release", () -> isolation.release(ec2.describeInstance(id)))), rec, List.of(id.value()), log).run();
  }

  private StepResult terminationProtection() {
    String name = "termination-protection";
    boolean protectedNow = ec2.instanceAttribute(id, "disableApiTermination").map(Boolean::parseBoolean).orElse(false);
    boolean stopsNow = ec2.instanceAttribute(id, "instanceInitiatedShutdownBehavior").map("stop"::equals).orElse(false);
    if (protectedNow && stopsNow) {
      return StepResult.done(name, "already on; shutdown behaviour already stop", null);
    }
    List<String> requests = new ArrayList<>();
    if (!protectedNow) {
      requests.add(rec.change("ec2:ModifyInstanceAttribute", id.value(), "termination protection on (DisableApiTermination)",
          () -> ec2.enableTerminationProtection(id, opt.dryRun())).requestId());
    }
    if (!stopsNow) {
      requests.add(rec.change("ec2:ModifyInstanceAttribute", id.value(), "shutdown behaviour: stop, not terminate",
          () -> ec2.setShutdownBehaviorStop(id, opt.dryRun())).requestId());
    }
    return opt.dryRun() ? StepResult.planned(name, "would turn termination protection on and set shutdown behaviour to stop (DryRun allowed)")
        : StepResult.done(name, "termination protection on; shutdown behaviour stop", Isolation.join(requests));
  }

  private String protectionProblem() {
    boolean on = ec2.instanceAttribute(id, "disableApiTermination").map(Boolean::parseBoolean).orElse(false);
    String behaviour = ec2.instanceAttribute(id, "instanceInitiatedShutdownBehavior").orElse("?");
    return on && behaviour.equals("stop") ? null : "termination protection " + (on ? "on" : "off") + ", shutdown behaviour " + behaviour;
  }

  private String loadBalancerProblem() {
    List<String> classic = aws.loadBalancing().classicBalancersWith(id);
    List<LoadBalancingGateway.Target> targets = aws.loadBalancing().targetsOf(id);
    return classic.isEmpty() && targets.isEmpty() ? null : "still registered with Classic " + classic + " and target groups "
        + targets.stream().map(LoadBalancingGateway.Target::targetGroupArn).toList();
  }

  /** The tags the tag step puts on the instance. */
  private Map<String, String> quarantineTags() {
    return Tags.of(Tags.CASE, kase.id(), Tags.TICKET, opt.ticket(), Tags.STATE, "quarantined");
  }

  private String tagProblem() {
    Map<String, String> have = ec2.describeInstance(id).tags();
    return have.entrySet().containsAll(quarantineTags().entrySet()) ? null : "tags are " + have;
  }

  private StepResult detachAsg() {
    String name = "detach-asg";
    Optional<String> group = aws.autoScaling().groupOf(id);
    if (group.isEmpty()) {
      return StepResult.done(name, "not in an Auto Scaling group", null);
    }
    if (opt.dryRun()) {
      return StepResult.planned(name, "would detach from " + group.get() + " without decrementing desired capacity");
    }
    var c = rec.change("autoscaling:DetachInstances", id.value(), "detach from Auto Scaling group " + group.get()
        + " (desired capacity kept: the group replaces the instance)", () -> aws.autoScaling().detach(id, group.get(), false));
    return StepResult.done(name, "detached from " + group.get(), c.requestId());
  }

  private StepResult deregisterElb() {
    String name = "deregister-elb";
    LoadBalancingGateway lb = aws.loadBalancing();
    List<String> classic = lb.classicBalancersWith(id);
    List<LoadBalancingGateway.Target> targets = lb.targetsOf(id);
    if (classic.isEmpty() && targets.isEmpty()) {
      return StepResult.done(name, "not registered with any load balancer", null);
    }
    if (opt.dryRun()) {
      return StepResult.planned(name, "would deregister from Classic " + classic + " and target groups "
          + targets.stream().map(LoadBalancingGateway.Target::targetGroupArn).toList());
    }
    List<String> requests = new ArrayList<>();
    for (String b : classic) {
      requests.add(rec.change("elasticloadbalancing:DeregisterInstancesFromLoadBalancer", id.value(), "deregister from Classic load balancer " + b,
          () -> lb.deregisterFromClassic(b, id, false)).requestId());
    }
    for (LoadBalancingGateway.Target t : targets) {
      requests.add(rec.change("elasticloadbalancing:DeregisterTargets", id.value(), "deregister from target group " + t.targetGroupArn(),
          () -> lb.deregisterTarget(t, false)).requestId());
    }
    return StepResult.done(name, "deregistered from " + classic.size() + " Classic load balancer(s) and " + targets.size() + " target group(s)",
        Isolation.join(requests));
  }

  private StepResult snapshotVolumes(InstanceInfo info) {
    String name = "snapshot-volumes";
    if (info.volumes().isEmpty()) {
      return StepResult.skipped(name, "no EBS volumes (instance store only)");
    }
    Map<String, String> mine = Tags.of(Tags.CASE, kase.id(), Tags.INSTANCE, id.value());
    Map<VolumeId, String> existing = new LinkedHashMap<>();
    for (Ec2Gateway.SnapshotInfo s : ec2.findSnapshots(mine)) {
      if (s.volume() != null) {
        existing.putIfAbsent(s.volume(), s.id().value());
      }
    }
    List<VolumeId> missing = info.volumes().stream().filter(v -> !existing.containsKey(v)).toList();
    if (missing.isEmpty()) {
      return StepResult.done(name, "already snapshotted: " + existing, null, List.copyOf(existing.values()));
    }
    Map<String, String> tags = Tags.of(Tags.CASE, kase.id(), Tags.TICKET, opt.ticket(), Tags.INSTANCE, id.value());
    if (missing.size() == info.volumes().size()) {
      var c = rec.change("ec2:CreateSnapshots", id.value(), "crash-consistent snapshots of " + missing + ", tagged " + tags,
          () -> ec2.createSnapshots(id, tags, opt.dryRun()));
      return opt.dryRun() ? StepResult.planned(name, "would snapshot " + missing + " together (CreateSnapshots, DryRun allowed)")
          : StepResult.done(name, "snapshots " + c.resourceId() + " of " + missing, c.requestId(), List.of(c.resourceId().split(",")));
    }
    // Some volumes already have the case's snapshot (attached since, or a partial earlier run): only the others.
    List<String> requests = new ArrayList<>();
    List<String> made = new ArrayList<>();
    for (VolumeId v : missing) {
      var c = rec.change("ec2:CreateSnapshot", id.value(), "snapshot of " + v + ", tagged " + tags,
          () -> ec2.createSnapshot(v, "custody: snapshot of " + v + " of " + id, tags, opt.dryRun()));
      requests.add(c.requestId());
      made.add(v + "=" + c.resourceId());
    }
    List<String> ids = new ArrayList<>(existing.values());
    made.forEach(m -> ids.add(m.substring(m.indexOf('=') + 1)));
    return opt.dryRun() ? StepResult.planned(name, "would snapshot " + missing + "; existing " + existing)
        : StepResult.done(name, "snapshots " + made + "; existing " + existing, Isolation.join(requests), ids);
  }

  private StepResult tagInstance() {
    String name = "tag-instance";
    Map<String, String> want = quarantineTags();
    Map<String, String> have = ec2.describeInstance(id).tags();
    if (have.entrySet().containsAll(want.entrySet())) {
      return StepResult.done(name, "already tagged " + want, null);
    }
    var c = rec.change("ec2:CreateTags", id.value(), "tag " + want, () -> ec2.tag(id.value(), want, opt.dryRun()));
    return opt.dryRun() ? StepResult.planned(name, "would tag " + want + " (DryRun allowed)") : StepResult.done(name, "tagged " + want, c.requestId());
  }

  private StepResult detachProfile() {
    String name = "detach-profile";
    Optional<Ec2Gateway.ProfileAssociation> a = ec2.profileAssociation(id);
    if (a.isEmpty()) {
      return StepResult.done(name, "no instance profile attached", null);
    }
    if (opt.dryRun()) {
      return StepResult.planned(name, "would detach instance profile " + a.get().profileArn());
    }
    var c = rec.change("ec2:DisassociateIamInstanceProfile", id.value(), "detach instance profile " + a.get().profileArn()
        + " (association " + a.get().associationId() + ")", () -> ec2.disassociateProfile(a.get().associationId(), false));
    return StepResult.done(name, "detached " + a.get().profileArn(), c.requestId());
  }

  private StepResult stop() {
    String name = "stop";
    String state = ec2.describeInstance(id).state();
    if (state.equals("stopped") || state.equals("stopping")) {
      return StepResult.done(name, "already " + state, null);
    }
    Acquisitions.State memory = Acquisitions.state(kase.log().verify().entries(), id.value(), "memory");
    if (memory == Acquisitions.State.UNFINISHED && !opt.force()) {
      rec.note(id.value(), "stop refused: a memory capture of " + id + " was begun and has not succeeded; stopping would lose the memory");
      return new StepResult(name, StepStatus.FAILED, "refused: a memory capture of " + id
          + " was begun and has not succeeded; capture memory first or use --force", null, ExitCode.USAGE, List.of());
    }
    var c = rec.change("ec2:StopInstances", id.value(), "stop the instance" + (memory == Acquisitions.State.UNFINISHED ? " (--force: memory not captured)" : ""),
        () -> ec2.stop(id, opt.dryRun()));
    return opt.dryRun() ? StepResult.planned(name, "would stop the instance (DryRun allowed)") : StepResult.done(name, "stopping", c.requestId());
  }
}
