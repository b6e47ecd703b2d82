package io.custody.collector.aws;

import io.custody.evidence.ids.InstanceId;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/** {@link AutoScalingGateway} over the AWS SDK. */
final class SdkAutoScalingGateway implements AutoScalingGateway {

  private final AutoScalingClient asg;

  SdkAutoScalingGateway(AutoScalingClient asg) {
    this.asg = asg;
  }

  @Override
  public Optional<String> groupOf(InstanceId id) {
    return Calls.call("describe", "Auto Scaling membership of '" + id + "'", () ->
        asg.describeAutoScalingInstances(r -> r.instanceIds(id.value()))).autoScalingInstances().stream()
        .map(i -> i.autoScalingGroupName()).findFirst();
  }

  @Override
  public Change detach(InstanceId id, String group, boolean dryRun) {
    if (dryRun) {
      return new Change("autoscaling:DetachInstances", id.value(), null, true);
    }
    var resp = Calls.call("detach", "instance '" + id + "' from Auto Scaling group '" + group + "'", () ->
        asg.detachInstances(r -> r.autoScalingGroupName(group).instanceIds(id.value()).shouldDecrementDesiredCapacity(false)));
    return new Change("autoscaling:DetachInstances", id.value(), resp.responseMetadata().requestId(), false);
  }
}
