package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.NetworkInterfaceId;
import io.custody.evidence.ids.SecurityGroupId;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.ids.VolumeId;
import io.custody.evidence.ids.VpcId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EC2 in one region. Reads return typed values (and AWS's raw answers where they are evidence);
 * every change returns a {@link Change} with AWS's request id and takes {@code dryRun}, which uses
 * EC2's DryRun: nothing changes, and a refusal shows as an exception.
 *
 * @throws io.custody.evidence.AwsOperationException from any method, when AWS refuses (an unknown id too)
 */
public interface Ec2Gateway {

  String region();

  InstanceInfo describeInstance(InstanceId id);

  JsonNode describeNetworkInterfaces(List<NetworkInterfaceId> ids);

  JsonNode describeVolumes(List<VolumeId> ids);

  JsonNode describeSecurityGroups(List<SecurityGroupId> ids);

  /** An instance attribute's value, e.g. {@code disableApiTermination} → "true"; userData is base64. */
  Optional<String> instanceAttribute(InstanceId id, String attribute);

  /** The latest console output, decoded; empty when the instance has none. */
  Optional<String> consoleOutput(InstanceId id);

  /** A JPEG screenshot of the console; AwsOperationException#unsupported() where there is none. */
  byte[] consoleScreenshot(InstanceId id);

  Change enableTerminationProtection(InstanceId id, boolean dryRun);

  Change setShutdownBehaviorStop(InstanceId id, boolean dryRun);

  /** A security group of the VPC carrying all the given tags. */
  Optional<SecurityGroupId> findGroup(VpcId vpc, Map<String, String> tags);

  /** Creates a group with the tags; its id is the change's resource id. */
  Change createGroup(VpcId vpc, String name, String description, Map<String, String> tags, boolean dryRun);

  /** Ingress CIDRs that allow all traffic, and whether any egress rule is left. */
  GroupRules rules(SecurityGroupId group);

  Change allowAllIngressFrom(SecurityGroupId group, String cidr, boolean dryRun);

  Change revokeAllEgress(SecurityGroupId group, boolean dryRun);

  Change setGroups(NetworkInterfaceId eni, List<SecurityGroupId> groups, boolean dryRun);

  /** Snapshots owned by this account carrying all the given tags. */
  List<SnapshotInfo> findSnapshots(Map<String, String> tags);

  /** Crash-consistent snapshots of every EBS volume of the instance, tagged; ids comma-joined in resourceId. */
  Change createSnapshots(InstanceId id, Map<String, String> tags, boolean dryRun);

  Change createSnapshot(VolumeId volume, String description, Map<String, String> tags, boolean dryRun);

  Change tag(String resourceId, Map<String, String> tags, boolean dryRun);

  /** The instance's profile association: association id and profile ARN. */
  Optional<ProfileAssociation> profileAssociation(InstanceId id);

  Change disassociateProfile(String associationId, boolean dryRun);

  Change stop(InstanceId id, boolean dryRun);

  /** A snapshot as acquisition needs it. */
  SnapshotDetails describeSnapshot(SnapshotId id);

  /**
   * Copies a snapshot re-encrypted with the given KMS key and waits until the copy completes.
   *
   * @return the change; its resource id is the new snapshot's id
   */
  Change copySnapshot(SnapshotId id, String kmsKeyArn, String description, Map<String, String> tags, java.time.Duration timeout);

  /** Creates a volume from a snapshot in the zone and waits until it is available; resource id = volume id. */
  Change createVolume(SnapshotId from, String availabilityZone, Map<String, String> tags, java.time.Duration timeout);

  /** Attaches and waits until attached. */
  Change attachVolume(VolumeId volume, InstanceId instance, String deviceName, java.time.Duration timeout);

  /** Detaches (from {@code instance}, when known) and waits until the volume is available again. */
  Change detachVolume(VolumeId volume, InstanceId instance, java.time.Duration timeout);

  Change deleteVolume(VolumeId volume);

  /** The volume's state (creating, available, in-use, deleting, deleted), or empty when it does not exist. */
  Optional<String> volumeState(VolumeId volume);

  /**
   * The RAM of an instance, from its instance type (DescribeInstances, DescribeInstanceTypes): what
   * memory capture plans its upload for.
   */
  InstanceMemory memory(InstanceId id);

  /** The regions enabled for the account. */
  List<String> enabledRegions();

  /** Sweep reads: what exists that was made since {@code since}, as AWS describes it. */
  JsonNode instancesLaunchedSince(Instant since);

  JsonNode volumesCreatedSince(Instant since);

  /**
   * Snapshots of the account started since, each with its createVolumePermission (who it is shared
   * with). Snapshots another account owns are left out even when an endpoint lists them for "self".
   */
  JsonNode snapshotsSince(Instant since, String account);

  /** Own AMIs created since, each with its launchPermission. */
  JsonNode imagesSince(Instant since);

  JsonNode keyPairsSince(Instant since);

  JsonNode securityGroups();

  /** A snapshot's size, encryption and owner, and AWS's answer. */
  record SnapshotDetails(SnapshotId id, VolumeId volume, int sizeGiB, boolean encrypted, String kmsKeyId, String state, String ownerId,
      JsonNode raw) {}

  /** An EBS snapshot. */
  record SnapshotInfo(SnapshotId id, VolumeId volume, String state, Map<String, String> tags) {}

  /** @param mib the instance type's memory in MiB */
  record InstanceMemory(InstanceId instance, String instanceType, long mib) {
    public long bytes() {
      return mib << 20;
    }
  }

  /** A profile association. */
  record ProfileAssociation(String associationId, String profileArn) {}

  /** Summary of a group's rules. */
  record GroupRules(List<String> allTrafficIngressCidrs, int ingressRules, int egressRules) {}
}
