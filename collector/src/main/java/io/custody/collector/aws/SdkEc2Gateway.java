package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.NetworkInterfaceId;
import io.custody.evidence.ids.SecurityGroupId;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.ids.VolumeId;
import io.custody.evidence.ids.VpcId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageAttributeName;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceSpecification;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotAttributeName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** {@link Ec2Gateway} over the AWS SDK; pagination and DryRun handling live here. */
final class SdkEc2Gateway implements Ec2Gateway {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Ec2Client ec2;
  private final String region;

  SdkEc2Gateway(Ec2Client ec2, String region) {
    this.ec2 = ec2;
    this.region = region;
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public InstanceInfo describeInstance(InstanceId id) {
    var resp = Calls.call("describe", "instance '" + id + "' in " + region, () -> ec2.describeInstances(r -> r.instanceIds(id.value())));
    Instance i = resp.reservations().stream().flatMap(r -> r.instances().stream()).findFirst()
        .orElseThrow(() -> new AwsOperationException("Failed to find instance '" + id + "' in " + region + " (wrong region? use --region)"));
    List<InstanceInfo.Eni> enis = i.networkInterfaces().stream()
        .map(n -> new InstanceInfo.Eni(new NetworkInterfaceId(n.networkInterfaceId()),
            n.groups().stream().map(g -> new SecurityGroupId(g.groupId())).toList()))
        .toList();
    List<VolumeId> volumes = i.blockDeviceMappings().stream().filter(b -> b.ebs() != null).map(b -> new VolumeId(b.ebs().volumeId())).toList();
    return new InstanceInfo(id, i.state() == null ? "unknown" : i.state().nameAsString(), i.vpcId() == null ? null : new VpcId(i.vpcId()),
        i.placement() == null ? null : i.placement().availabilityZone(), i.launchTime(), enis, volumes,
        i.iamInstanceProfile() == null ? null : i.iamInstanceProfile().arn(), tags(i.tags()), SdkJson.of(resp));
  }

  @Override
  public JsonNode describeNetworkInterfaces(List<NetworkInterfaceId> ids) {
    if (ids.isEmpty()) {
      return F.objectNode();
    }
    return SdkJson.of(Calls.call("describe", "network interfaces " + ids, () ->
        ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(ids.stream().map(NetworkInterfaceId::value).toList()))));
  }

  @Override
  public JsonNode describeVolumes(List<VolumeId> ids) {
    if (ids.isEmpty()) {
      return F.objectNode();
    }
    return SdkJson.of(Calls.call("describe", "volumes " + ids, () -> ec2.describeVolumes(r -> r.volumeIds(ids.stream().map(VolumeId::value).toList()))));
  }

  @Override
  public JsonNode describeSecurityGroups(List<SecurityGroupId> ids) {
    if (ids.isEmpty()) {
      return F.objectNode();
    }
    return SdkJson.of(Calls.call("describe", "security groups " + ids, () ->
        ec2.describeSecurityGroups(r -> r.groupIds(ids.stream().map(SecurityGroupId::value).toList()))));
  }

  @Override
  public Optional<String> instanceAttribute(InstanceId id, String attribute) {
    var resp = Calls.call("read", attribute + " of instance '" + id + "'", () ->
        ec2.describeInstanceAttribute(r -> r.instanceId(id.value()).attribute(InstanceAttributeName.fromValue(attribute))));
    return Optional.ofNullable(switch (attribute) {
      case "disableApiTermination" -> resp.disableApiTermination() == null ? null : String.valueOf(resp.disableApiTermination().value());
      case "instanceInitiatedShutdownBehavior" -> resp.instanceInitiatedShutdownBehavior() == null ? null : resp.instanceInitiatedShutdownBehavior().value();
      case "userData" -> resp.userData() == null ? null : resp.userData().value();
      default -> throw new IllegalArgumentException("attribute " + attribute);
    });
  }

  @Override
  public Optional<String> consoleOutput(InstanceId id) {
    var resp = Calls.call("get", "console output of instance '" + id + "'", () -> ec2.getConsoleOutput(r -> r.instanceId(id.value()).latest(true)));
    if (resp.output() == null || resp.output().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new String(Base64.getMimeDecoder().decode(resp.output()), StandardCharsets.UTF_8));
  }

  @Override
  public byte[] consoleScreenshot(InstanceId id) {
    var resp = Calls.call("get", "console screenshot of instance '" + id + "'", () -> ec2.getConsoleScreenshot(r -> r.instanceId(id.value()).wakeUp(true)));
    return Base64.getMimeDecoder().decode(resp.imageData());
  }

  @Override
  public Change enableTerminationProtection(InstanceId id, boolean dryRun) {
    return change("ec2:ModifyInstanceAttribute", id.value(), dryRun, dry -> ec2.modifyInstanceAttribute(r -> r.instanceId(id.value())
        .disableApiTermination(AttributeBooleanValue.builder().value(true).build()).dryRun(dry)));
  }

  @Override
  public Change setShutdownBehaviorStop(InstanceId id, boolean dryRun) {
    return change("ec2:ModifyInstanceAttribute", id.value(), dryRun, dry -> ec2.modifyInstanceAttribute(r -> r.instanceId(id.value())
        .instanceInitiatedShutdownBehavior(AttributeValue.builder().value("stop").build()).dryRun(dry)));
  }

  @Override
  public Optional<SecurityGroupId> findGroup(VpcId vpc, Map<String, String> tags) {
    List<Filter> filters = tagFilters(tags);
    filters.add(Filter.builder().name("vpc-id").values(vpc.value()).build());
    var resp = Calls.call("find", "security group in " + vpc, () -> ec2.describeSecurityGroups(r -> r.filters(filters)));
    return resp.securityGroups().stream().map(g -> new SecurityGroupId(g.groupId())).sorted((a, b) -> a.value().compareTo(b.value())).findFirst();
  }

  @Override
  public Change createGroup(VpcId vpc, String name, String description, Map<String, String> tags, boolean dryRun) {
    if (dryRun) {
      return change("ec2:CreateSecurityGroup", name, true, dry -> ec2.createSecurityGroup(r -> r.vpcId(vpc.value()).groupName(name)
          .description(description).dryRun(true)));
    }
    var resp = Calls.call("create", "security group '" + name + "' in " + vpc, () -> ec2.createSecurityGroup(r -> r.vpcId(vpc.value())
        .groupName(name).description(description).tagSpecifications(tagSpec(ResourceType.SECURITY_GROUP, tags))));
    return new Change("ec2:CreateSecurityGroup", resp.groupId(), requestId(resp), false);
  }

  @Override
  public GroupRules rules(SecurityGroupId group) {
    SecurityGroup g = group(group);
    List<String> all = new ArrayList<>();
    for (IpPermission p : g.ipPermissions()) {
      if ("-1".equals(p.ipProtocol())) {
        p.ipRanges().forEach(r -> all.add(r.cidrIp()));
        p.ipv6Ranges().forEach(r -> all.add(r.cidrIpv6()));
      }
    }
    int ingress = g.ipPermissions().stream().mapToInt(p -> Math.max(1, p.ipRanges().size() + p.ipv6Ranges().size() + p.userIdGroupPairs().size())).sum();
    int egress = g.ipPermissionsEgress().stream().mapToInt(p -> Math.max(1, p.ipRanges().size() + p.ipv6Ranges().size() + p.userIdGroupPairs().size())).sum();
    return new GroupRules(all, ingress, egress);
  }

  @Override
  public Change allowAllIngressFrom(SecurityGroupId group, String cidr, boolean dryRun) {
    IpPermission.Builder p = IpPermission.builder().ipProtocol("-1");
    if (cidr.contains(":")) {
      p.ipv6Ranges(Ipv6Range.builder().cidrIpv6(cidr).description("custody").build());
    } else {
      p.ipRanges(IpRange.builder().cidrIp(cidr).description("custody").build());
    }
    return change("ec2:AuthorizeSecurityGroupIngress", group.value(), dryRun, dry ->
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(group.value()).ipPermissions(p.build()).dryRun(dry)));
  }

  @Override
  public Change revokeAllEgress(SecurityGroupId group, boolean dryRun) {
    List<IpPermission> egress = group(group).ipPermissionsEgress();
    if (egress.isEmpty()) {
      return new Change("ec2:RevokeSecurityGroupEgress", group.value(), null, dryRun);
    }
    return change("ec2:RevokeSecurityGroupEgress", group.value(), dryRun, dry ->
        ec2.revokeSecurityGroupEgress(r -> r.groupId(group.value()).ipPermissions(egress).dryRun(dry)));
  }

  @Override
  public Change setGroups(NetworkInterfaceId eni, List<SecurityGroupId> groups, boolean dryRun) {
    return change("ec2:ModifyNetworkInterfaceAttribute", eni.value(), dryRun, dry -> ec2.modifyNetworkInterfaceAttribute(r ->
        r.networkInterfaceId(eni.value()).groups(groups.stream().map(SecurityGroupId::value).toList()).dryRun(dry)));
  }

  @Override
  public List<SnapshotInfo> findSnapshots(Map<String, String> tags) {
    List<SnapshotInfo> out = new ArrayList<>();
    Calls.call("find", "snapshots tagged " + tags, () -> {
      ec2.describeSnapshotsPaginator(r -> r.ownerIds("self").filters(tagFilters(tags))).snapshots()
          .forEach(s -> out.add(snapshot(s)));
      return null;
    });
    return out;
  }

  @Override
  public Change createSnapshots(InstanceId id, Map<String, String> tags, boolean dryRun) {
    if (dryRun) {
      return change("ec2:CreateSnapshots", id.value(), true, dry -> ec2.createSnapshots(r -> r.instanceSpecification(spec(id)).dryRun(true)));
    }
    var resp = Calls.call("snapshot", "volumes of instance '" + id + "'", () -> ec2.createSnapshots(r -> r.instanceSpecification(spec(id))
        .description("custody: crash-consistent snapshot of " + id).tagSpecifications(tagSpec(ResourceType.SNAPSHOT, tags))));
    String ids = String.join(",", resp.snapshots().stream().map(s -> s.snapshotId()).toList());
    return new Change("ec2:CreateSnapshots", ids, requestId(resp), false);
  }

  @Override
  public Change createSnapshot(VolumeId volume, String description, Map<String, String> tags, boolean dryRun) {
    if (dryRun) {
      return change("ec2:CreateSnapshot", volume.value(), true, dry -> ec2.createSnapshot(r -> r.volumeId(volume.value()).dryRun(true)));
    }
    var resp = Calls.call("snapshot", "volume '" + volume + "'", () -> ec2.createSnapshot(r -> r.volumeId(volume.value())
        .description(description).tagSpecifications(tagSpec(ResourceType.SNAPSHOT, tags))));
    return new Change("ec2:CreateSnapshot", resp.snapshotId(), requestId(resp), false);
  }

  @Override
  public Change tag(String resourceId, Map<String, String> tags, boolean dryRun) {
    return change("ec2:CreateTags", resourceId, dryRun, dry -> ec2.createTags(r -> r.resources(resourceId).tags(tagList(tags)).dryRun(dry)));
  }

  @Override
  public Optional<ProfileAssociation> profileAssociation(InstanceId id) {
    var resp = Calls.call("describe", "instance profile of '" + id + "'", () -> ec2.describeIamInstanceProfileAssociations(r ->
        r.filters(Filter.builder().name("instance-id").values(id.value()).build())));
    return resp.iamInstanceProfileAssociations().stream()
        .filter(a -> a.stateAsString() == null || a.stateAsString().equals("associated"))
        .map(a -> new ProfileAssociation(a.associationId(), a.iamInstanceProfile() == null ? null : a.iamInstanceProfile().arn()))
        .findFirst();
  }

  @Override
  public Change disassociateProfile(String associationId, boolean dryRun) {
    if (dryRun) {
      // DisassociateIamInstanceProfile has no DryRun: plan only.
      return new Change("ec2:DisassociateIamInstanceProfile", associationId, null, true);
    }
    var resp = Calls.call("disassociate", "instance profile association '" + associationId + "'", () ->
        ec2.disassociateIamInstanceProfile(r -> r.associationId(associationId)));
    return new Change("ec2:DisassociateIamInstanceProfile", associationId, requestId(resp), false);
  }

  @Override
  public Change stop(InstanceId id, boolean dryRun) {
    return change("ec2:StopInstances", id.value(), dryRun, dry -> ec2.stopInstances(r -> r.instanceIds(id.value()).dryRun(dry)));
  }

  @Override
  public SnapshotDetails describeSnapshot(SnapshotId id) {
    var resp = Calls.call("describe", "snapshot '" + id + "' in " + region, () -> ec2.describeSnapshots(r -> r.snapshotIds(id.value())));
    Snapshot s = resp.snapshots().stream().findFirst()
        .orElseThrow(() -> new AwsOperationException("Failed to find snapshot '" + id + "' in " + region + " (wrong region? use --region)"));
    return new SnapshotDetails(id, s.volumeId() == null || s.volumeId().equals("vol-ffffffff") ? null : new VolumeId(s.volumeId()),
        s.volumeSize() == null ? 0 : s.volumeSize(), Boolean.TRUE.equals(s.encrypted()), s.kmsKeyId(), s.stateAsString(), s.ownerId(), SdkJson.of(resp));
  }

  @Override
  public Change copySnapshot(SnapshotId id, String kmsKeyArn, String description, Map<String, String> tags, java.time.Duration timeout) {
    var resp = Calls.call("copy", "snapshot '" + id + "' with KMS key " + kmsKeyArn, () -> ec2.copySnapshot(r -> r.sourceSnapshotId(id.value())
        .sourceRegion(region).destinationRegion(region).encrypted(true).kmsKeyId(kmsKeyArn).description(description)
        .tagSpecifications(tagSpec(ResourceType.SNAPSHOT, tags))));
    String copy = resp.snapshotId();
    Calls.call("wait for", "snapshot copy '" + copy + "'", () -> ec2.waiter().waitUntilSnapshotCompleted(r -> r.snapshotIds(copy),
        o -> o.waitTimeout(timeout)));
    return new Change("ec2:CopySnapshot", copy, requestId(resp), false);
  }

  @Override
  public Change createVolume(SnapshotId from, String availabilityZone, Map<String, String> tags, java.time.Duration timeout) {
    var resp = Calls.call("create", "volume from snapshot '" + from + "' in " + availabilityZone, () -> ec2.createVolume(r -> r
        .snapshotId(from.value()).availabilityZone(availabilityZone).volumeType("gp3").tagSpecifications(tagSpec(ResourceType.VOLUME, tags))));
    String vol = resp.volumeId();
    Calls.call("wait for", "volume '" + vol + "' to be available", () -> ec2.waiter().waitUntilVolumeAvailable(r -> r.volumeIds(vol),
        o -> o.waitTimeout(timeout)));
    return new Change("ec2:CreateVolume", vol, requestId(resp), false);
  }

  @Override
  public Change attachVolume(VolumeId volume, InstanceId instance, String deviceName, java.time.Duration timeout) {
    var resp = Calls.call("attach", "volume '" + volume + "' to '" + instance + "' as " + deviceName, () -> ec2.attachVolume(r -> r
        .volumeId(volume.value()).instanceId(instance.value()).device(deviceName)));
    Calls.call("wait for", "volume '" + volume + "' to be attached", () -> ec2.waiter().waitUntilVolumeInUse(r -> r.volumeIds(volume.value()),
        o -> o.waitTimeout(timeout)));
    return new Change("ec2:AttachVolume", volume.value(), requestId(resp), false);
  }

  @Override
  public Change detachVolume(VolumeId volume, InstanceId instance, java.time.Duration timeout) {
    var resp = Calls.call("detach", "volume '" + volume + "'", () -> ec2.detachVolume(r -> r.volumeId(volume.value())
        .instanceId(instance == null ? null : instance.value())));
    Calls.call("wait for", "volume '" + volume + "' to be detached", () -> ec2.waiter().waitUntilVolumeAvailable(r -> r.volumeIds(volume.value()),
        o -> o.waitTimeout(timeout)));
    return new Change("ec2:DetachVolume", volume.value(), requestId(resp), false);
  }

  @Override
  public Change deleteVolume(VolumeId volume) {
    var resp = Calls.call("delete", "volume '" + volume + "'", () -> ec2.deleteVolume(r -> r.volumeId(volume.value())));
    return new Change("ec2:DeleteVolume", volume.value(), requestId(resp), false);
  }

  @Override
  public Optional<String> volumeState(VolumeId volume) {
    try {
      return Calls.call("describe", "volume '" + volume + "'", () -> ec2.describeVolumes(r -> r.volumeIds(volume.value()))).volumes().stream()
          .map(v -> v.stateAsString()).findFirst();
    } catch (AwsOperationException e) {
      if ("InvalidVolume.NotFound".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public InstanceMemory memory(InstanceId id) {
    String type = Calls.call("describe", "instance '" + id + "' in " + region, () -> ec2.describeInstances(r -> r.instanceIds(id.value())))
        .reservations().stream().flatMap(r -> r.instances().stream()).map(Instance::instanceTypeAsString).findFirst()
        .orElseThrow(() -> new AwsOperationException("Failed to describe instance '" + id + "' in " + region + ": not found (wrong region? use --region)"));
    var info = Calls.call("describe", "instance type '" + type + "'", () -> ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(type)))
        .instanceTypes().stream().findFirst()
        .orElseThrow(() -> new AwsOperationException("Failed to describe instance type '" + type + "': not found"));
    if (info.memoryInfo() == null || info.memoryInfo().sizeInMiB() == null) {
      throw new AwsOperationException("Failed to describe instance type '" + type + "': no memory size");
    }
    return new InstanceMemory(id, type, info.memoryInfo().sizeInMiB());
  }

  @Override
  public List<String> enabledRegions() {
    return Calls.call("list", "enabled regions", () -> ec2.describeRegions(r -> r.allRegions(false))).regions().stream()
        .map(r -> r.regionName()).sorted().toList();
  }

  @Override
  public JsonNode instancesLaunchedSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "instances in " + region, () -> {
      ec2.describeInstancesPaginator(r -> r.maxResults(1000)).reservations().forEach(res -> res.instances().stream()
          .filter(i -> i.launchTime() != null && !i.launchTime().isBefore(since)).forEach(i -> out.add(SdkJson.of(i))));
      return null;
    });
    return out;
  }

  @Override
  public JsonNode volumesCreatedSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "volumes in " + region, () -> {
      ec2.describeVolumesPaginator(r -> r.maxResults(500)).volumes().stream()
          .filter(v -> v.createTime() != null && !v.createTime().isBefore(since)).forEach(v -> out.add(SdkJson.of(v)));
      return null;
    });
    return out;
  }

  @Override
  public JsonNode snapshotsSince(Instant since, String account) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "snapshots in " + region, () -> {
      for (Snapshot s : ec2.describeSnapshotsPaginator(r -> r.ownerIds("self")).snapshots()) {
        if (s.startTime() == null || s.startTime().isBefore(since) || account != null && !account.equals(s.ownerId())) {
          continue;
        }
        ObjectNode o = (ObjectNode) SdkJson.of(s);
        o.set("CreateVolumePermissions", SdkJson.of(ec2.describeSnapshotAttribute(r -> r.snapshotId(s.snapshotId())
            .attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION)).createVolumePermissions()));
        out.add(o);
      }
      return null;
    });
    return out;
  }

  @Override
  public JsonNode imagesSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "images in " + region, () -> {
      for (Image i : ec2.describeImagesPaginator(r -> r.owners("self")).images()) {
        if (i.creationDate() != null && Instant.parse(i.creationDate()).isBefore(since)) {
          continue;
        }
        ObjectNode o = (ObjectNode) SdkJson.of(i);
        o.set("LaunchPermissions", SdkJson.of(ec2.describeImageAttribute(r -> r.imageId(i.imageId())
            .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions()));
        out.add(o);
      }
      return null;
    });
    return out;
  }

  @Override
  public JsonNode keyPairsSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "key pairs in " + region, () -> ec2.describeKeyPairs()).keyPairs().stream()
        .filter(k -> k.createTime() == null || !k.createTime().isBefore(since)).forEach(k -> out.add(SdkJson.of(k)));
    return out;
  }

  @Override
  public JsonNode securityGroups() {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "security groups in " + region, () -> {
      ec2.describeSecurityGroupsPaginator(r -> r.maxResults(1000)).securityGroups().forEach(g -> out.add(SdkJson.of(g)));
      return null;
    });
    return out;
  }

  private SecurityGroup group(SecurityGroupId id) {
    return Calls.call("describe", "security group '" + id + "'", () -> ec2.describeSecurityGroups(r -> r.groupIds(id.value())))
        .securityGroups().stream().findFirst()
        .orElseThrow(() -> new AwsOperationException("Failed to find security group '" + id + "' in " + region));
  }

  /** Runs a change; with dryRun, expects EC2's DryRunOperation answer (nothing changed). */
  private Change change(String api, String resourceId, boolean dryRun, Function<Boolean, AwsResponse> call) {
    if (!dryRun) {
      AwsResponse resp = Calls.call(api.substring(api.indexOf(':') + 1), resourceId, () -> call.apply(false));
      return new Change(api, resourceId, requestId(resp), false);
    }
    try {
      call.apply(true);
    } catch (AwsServiceException e) {
      if (Calls.dryRunPassed(e)) {
        return new Change(api, resourceId, e.requestId(), true);
      }
      throw Calls.translate("dry-run " + api, resourceId, e);
    }
    throw new AwsOperationException("Failed to dry-run " + api + " on " + resourceId + ": the endpoint ignored DryRun and may have made the change");
  }

  private static String requestId(AwsResponse r) {
    return r.responseMetadata() == null ? null : r.responseMetadata().requestId();
  }

  private static InstanceSpecification spec(InstanceId id) {
    return InstanceSpecification.builder().instanceId(id.value()).excludeBootVolume(false).build();
  }

  private static SnapshotInfo snapshot(Snapshot s) {
    return new SnapshotInfo(new SnapshotId(s.snapshotId()), s.volumeId() == null || s.volumeId().equals("vol-ffffffff") ? null
        : new VolumeId(s.volumeId()), s.stateAsString(), tags(s.tags()));
  }

  static List<Filter> tagFilters(Map<String, String> tags) {
    List<Filter> filters = new ArrayList<>();
    tags.forEach((k, v) -> filters.add(Filter.builder().name("tag:" + k).values(v).build()));
    return filters;
  }

  private static TagSpecification tagSpec(ResourceType type, Map<String, String> tags) {
    return TagSpecification.builder().resourceType(type).tags(tagList(tags)).build();
  }

  private static List<Tag> tagList(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  private static Map<String, String> tags(List<Tag> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    tags.forEach(t -> out.put(t.key(), t.value()));
    return out;
  }
}
