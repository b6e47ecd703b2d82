package io.custody.collector.aws;

import io.custody.evidence.ids.InstanceId;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.elasticloadbalancing.ElasticLoadBalancingClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/** {@link LoadBalancingGateway} over the AWS SDK. */
final class SdkLoadBalancingGateway implements LoadBalancingGateway {

  private final ElasticLoadBalancingClient classic;
  private final ElasticLoadBalancingV2Client v2;

  SdkLoadBalancingGateway(ElasticLoadBalancingClient classic, ElasticLoadBalancingV2Client v2) {
    this.classic = classic;
    this.v2 = v2;
  }

  @Override
  public List<String> classicBalancersWith(InstanceId id) {
    List<String> out = new ArrayList<>();
    Calls.call("list", "Classic load balancers", () -> {
      classic.describeLoadBalancersPaginator(r -> r.pageSize(400)).loadBalancerDescriptions().forEach(lb -> {
        if (lb.instances().stream().anyMatch(i -> id.value().equals(i.instanceId()))) {
          out.add(lb.loadBalancerName());
        }
      });
      return null;
    });
    return out;
  }

  @Override
  public Change deregisterFromClassic(String balancer, InstanceId id, boolean dryRun) {
    if (dryRun) {
      return new Change("elasticloadbalancing:DeregisterInstancesFromLoadBalancer", balancer, null, true);
    }
    var resp = Calls.call("deregister", "instance '" + id + "' from Classic load balancer '" + balancer + "'", () ->
        classic.deregisterInstancesFromLoadBalancer(r -> r.loadBalancerName(balancer).instances(i -> i.instanceId(id.value()))));
    return new Change("elasticloadbalancing:DeregisterInstancesFromLoadBalancer", balancer, resp.responseMetadata().requestId(), false);
  }

  @Override
  public List<Target> targetsOf(InstanceId id) {
    List<Target> out = new ArrayList<>();
    Calls.call("list", "target groups", () -> {
      for (TargetGroup tg : v2.describeTargetGroupsPaginator(r -> r.pageSize(400)).targetGroups()) {
        v2.describeTargetHealth(r -> r.targetGroupArn(tg.targetGroupArn())).targetHealthDescriptions().stream()
            // a target draining is being deregistered: it takes no new connections
            .filter(h -> h.targetHealth() == null || !"draining".equals(h.targetHealth().stateAsString()))
            .map(h -> h.target())
            .filter(t -> id.value().equals(t.id()))
            .forEach(t -> out.add(new Target(tg.targetGroupArn(), t.id(), t.port())));
      }
      return null;
    });
    return out;
  }

  @Override
  public Change deregisterTarget(Target target, boolean dryRun) {
    if (dryRun) {
      return new Change("elasticloadbalancing:DeregisterTargets", target.targetGroupArn(), null, true);
    }
    TargetDescription d = TargetDescription.builder().id(target.instanceId()).port(target.port()).build();
    var resp = Calls.call("deregister", "instance '" + target.instanceId() + "' from target group '" + target.targetGroupArn() + "'", () ->
        v2.deregisterTargets(r -> r.targetGroupArn(target.targetGroupArn()).targets(d)));
    return new Change("elasticloadbalancing:DeregisterTargets", target.targetGroupArn(), resp.responseMetadata().requestId(), false);
  }
}
