package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.NetworkInterfaceId;
import io.custody.evidence.ids.SecurityGroupId;
import io.custody.evidence.ids.VolumeId;
import io.custody.evidence.ids.VpcId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the playbooks need of an instance, and AWS's whole answer ({@code raw}) for the evidence.
 *
 * @param profileArn the attached IAM instance profile, or null
 */
public record InstanceInfo(InstanceId id, String state, VpcId vpc, String availabilityZone, Instant launchTime,
    List<Eni> networkInterfaces, List<VolumeId> volumes, String profileArn, Map<String, String> tags, JsonNode raw) {

  /** A network interface and its security groups, in order. */
  public record Eni(NetworkInterfaceId id, List<SecurityGroupId> groups) {}
}
