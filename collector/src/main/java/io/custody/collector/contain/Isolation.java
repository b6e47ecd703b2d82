package io.custody.collector.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.collector.aws.Change;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.aws.InstanceInfo;
import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.ids.NetworkInterfaceId;
import io.custody.evidence.ids.SecurityGroupId;
import io.custody.evidence.ids.VpcId;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The isolate step and its undo. Before any change, every ENI's original groups are saved in the
 * case (once: a rerun uses the saved record, never the half-isolated present). Each ENI then gets an
 * allow-all group, which turns its tracked connections into untracked ones, and then the quarantine
 * group (no egress, ingress only from the allowed CIDRs), which cuts them. Both groups are the case's
 * own, one per VPC, found again by their tags.
 */
final class Isolation {

  static final String SAVED = "eni-groups-before-isolation.json";

  private final Ec2Gateway ec2;
  private final ChangeRecorder rec;
  private final Evidence evidence;
  private final String caseId;
  private final InstanceId id;

  Isolation(Ec2Gateway ec2, ChangeRecorder rec, Evidence evidence, String caseId, InstanceId id) {
    this.ec2 = ec2;
    this.rec = rec;
    this.evidence = evidence;
    this.caseId = caseId;
    this.id = id;
  }

  StepResult isolate(InstanceInfo info, List<String> allowCidrs) {
    String name = "isolate";
    if (info.vpc() == null) {
      return StepResult.skipped(name, "instance has no VPC (EC2-Classic): security groups cannot be swapped per ENI");
    }
    Map<NetworkInterfaceId, List<SecurityGroupId>> saved = saveOriginalGroups(info);
    List<String> requests = new ArrayList<>();
    Optional<SecurityGroupId> quarantine = ec2.findGroup(info.vpc(), groupTags("quarantine"));
    Optional<SecurityGroupId> allowAll = ec2.findGroup(info.vpc(), groupTags("allow-all"));
    if (rec.dryRun()) {
      return StepResult.planned(name, (quarantine.isPresent() ? "reuse " + quarantine.get() : "create quarantine group") + ", "
          + (allowAll.isPresent() ? "reuse " + allowAll.get() : "create allow-all group") + ", move " + saved.size()
          + " ENI(s) from " + saved.values() + " via allow-all to quarantine (ingress only from " + allowCidrs + ")");
    }
    SecurityGroupId q = quarantine.orElseGet(() -> create(info.vpc(), "quarantine", requests));
    ensureQuarantineRules(q, allowCidrs, requests);
    SecurityGroupId a = allowAll.orElseGet(() -> create(info.vpc(), "allow-all", requests));
    ensureAllowAllRules(a, requests);
    int moved = 0;
    for (InstanceInfo.Eni eni : info.networkInterfaces()) {
      if (eni.groups().equals(List.of(q))) {
        continue;
      }
      if (!eni.groups().equals(List.of(a))) {
        requests.add(rec.change("ec2:ModifyNetworkInterfaceAttribute", id.value(),
            "isolate: " + eni.id() + " groups " + eni.groups() + " -> allow-all " + a + " (tracked connections become untracked)",
            () -> ec2.setGroups(eni.id(), List.of(a), false)).requestId());
      }
      requests.add(rec.change("ec2:ModifyNetworkInterfaceAttribute", id.value(),
          "isolate: " + eni.id() + " groups allow-all " + a + " -> quarantine " + q, () -> ec2.setGroups(eni.id(), List.of(q), false)).requestId());
      moved++;
    }
    String detail = moved == 0 ? "already isolated in " + q : moved + " ENI(s) moved to quarantine group " + q;
    return StepResult.done(name, detail + "; original groups saved " + saved, join(requests));
  }

  /** What is not isolated: ENIs holding any group but the case's quarantine group; null when all hold only it. */
  String isolationProblem() {
    InstanceInfo info = ec2.describeInstance(id);
    Optional<SecurityGroupId> q = info.vpc() == null ? Optional.empty() : ec2.findGroup(info.vpc(), groupTags("quarantine"));
    if (q.isEmpty()) {
      return "the case's quarantine group is not found in " + info.vpc();
    }
    List<String> wrong = new ArrayList<>();
    for (InstanceInfo.Eni eni : info.networkInterfaces()) {
      if (!eni.groups().equals(List.of(q.get()))) {
        wrong.add(eni.id() + " has " + eni.groups());
      }
    }
    return wrong.isEmpty() ? null : String.join(", ", wrong) + " instead of only quarantine " + q.get();
  }

  /** Puts back the groups saved before isolation. */
  StepResult release(InstanceInfo info) {
    String name = "release";
    Item item = evidence.existing(ItemType.METADATA, id.value(), SAVED)
        .orElseThrow(() -> new InvalidInputException("Failed to release instance '" + id + "': no saved security groups in this case (was it isolated by it?)"));
    Map<NetworkInterfaceId, List<SecurityGroupId>> saved = parse(evidence.read(item));
    List<String> requests = new ArrayList<>();
    for (InstanceInfo.Eni eni : info.networkInterfaces()) {
      List<SecurityGroupId> original = saved.get(eni.id());
      if (original == null || eni.groups().equals(original)) {
        continue;
      }
      if (rec.dryRun()) {
        return StepResult.planned(name, "would restore " + saved);
      }
      requests.add(rec.change("ec2:ModifyNetworkInterfaceAttribute", id.value(),
          "release: " + eni.id() + " groups " + eni.groups() + " -> original " + original, () -> ec2.setGroups(eni.id(), original, false)).requestId());
    }
    return StepResult.done(name, requests.isEmpty() ? "groups already as saved: " + saved : "restored " + saved + " from " + item.id(), join(requests));
  }

  private Map<NetworkInterfaceId, List<SecurityGroupId>> saveOriginalGroups(InstanceInfo info) {
    Optional<Item> existing = evidence.existing(ItemType.METADATA, id.value(), SAVED);
    if (existing.isPresent()) {
      return parse(evidence.read(existing.get()));
    }
    Map<NetworkInterfaceId, List<SecurityGroupId>> groups = new LinkedHashMap<>();
    info.networkInterfaces().forEach(e -> groups.put(e.id(), e.groups()));
    if (!rec.dryRun()) {
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("instance_id", id.value());
      doc.put("vpc_id", info.vpc().value());
      ObjectNode enis = doc.putObject("network_interfaces");
      groups.forEach((eni, gs) -> {
        ArrayNode a = enis.putArray(eni.value());
        gs.forEach(g -> a.add(g.value()));
      });
      doc.set("DescribeSecurityGroups", ec2.describeSecurityGroups(groups.values().stream().flatMap(List::stream).distinct().toList()));
      evidence.add(ItemType.METADATA, id.value(), SAVED, "aws:" + ec2.region() + ":ec2:DescribeNetworkInterfaces", Json.write(doc));
    }
    return groups;
  }

  private static Map<NetworkInterfaceId, List<SecurityGroupId>> parse(byte[] bytes) {
    try {
      JsonNode doc = Json.mapper().readTree(bytes);
      Map<NetworkInterfaceId, List<SecurityGroupId>> out = new LinkedHashMap<>();
      doc.get("network_interfaces").fields().forEachRemaining(e -> {
        List<SecurityGroupId> gs = new ArrayList<>();
        e.getValue().forEach(g -> gs.add(new SecurityGroupId(g.asText())));
        out.put(new NetworkInterfaceId(e.getKey()), gs);
      });
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IntegrityException("Failed to read the saved security groups: " + e.getMessage(), e);
    }
  }

  private Map<String, String> groupTags(String role) {
    return Tags.of(Tags.CASE, caseId, Tags.ROLE, role);
  }

  private SecurityGroupId create(VpcId vpc, String role, List<String> requests) {
    String groupName = "custody-" + role + "-" + caseId;
    Change c = rec.change("ec2:CreateSecurityGroup", id.value(), "create the case's " + role + " group " + groupName + " in " + vpc,
        () -> ec2.createGroup(vpc, groupName, "Custody " + role + " group of case " + caseId, groupTags(role), false));
    requests.add(c.requestId());
    return new SecurityGroupId(c.resourceId());
  }

  private void ensureQuarantineRules(SecurityGroupId q, List<String> allowCidrs, List<String> requests) {
    Ec2Gateway.GroupRules r = ec2.rules(q);
    if (r.egressRules() > 0) {
      requests.add(rec.change("ec2:RevokeSecurityGroupEgress", id.value(), "quarantine group " + q + ": no egress",
          () -> ec2.revokeAllEgress(q, false)).requestId());
    }
    for (String cidr : allowCidrs) {
      if (!r.allTrafficIngressCidrs().contains(cidr)) {
        requests.add(rec.change("ec2:AuthorizeSecurityGroupIngress", id.value(), "quarantine group " + q + ": ingress from " + cidr,
            () -> ec2.allowAllIngressFrom(q, cidr, false)).requestId());
      }
    }
  }

  private void ensureAllowAllRules(SecurityGroupId a, List<String> requests) {
    Ec2Gateway.GroupRules r = ec2.rules(a);
    for (String cidr : List.of("0.0.0.0/0", "::/0")) {
      if (!r.allTrafficIngressCidrs().contains(cidr)) {
        requests.add(rec.change("ec2:AuthorizeSecurityGroupIngress", id.value(), "allow-all group " + a + ": all ingress from " + cidr,
            () -> ec2.allowAllIngressFrom(a, cidr, false)).requestId());
      }
    }
  }

  static String join(List<String> ids) {
    List<String> present = ids.stream().filter(x -> x != null).toList();
    return present.isEmpty() ? null : String.join(",", present);
  }
}
