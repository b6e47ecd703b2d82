package io.custody.collector.aws;

import io.custody.evidence.ids.InstanceId;
import java.util.List;

/** Classic and v2 (application, network) load balancers. No DryRun in these APIs: dryRun plans only. */
public interface LoadBalancingGateway {

  /** Classic load balancers that have the instance registered. */
  List<String> classicBalancersWith(InstanceId id);

  Change deregisterFromClassic(String balancer, InstanceId id, boolean dryRun);

  /** Target groups with the instance as a target, with the port it is registered on; targets draining (being deregistered) are left out. */
  List<Target> targetsOf(InstanceId id);

  Change deregisterTarget(Target target, boolean dryRun);

  /** An instance registered in a target group. */
  record Target(String targetGroupArn, String instanceId, Integer port) {}
}
