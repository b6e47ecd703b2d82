package io.custody.collector.aws;

import io.custody.evidence.ids.InstanceId;
import java.util.Optional;

/** EC2 Auto Scaling. The API has no DryRun: with {@code dryRun} nothing is called and the change is planned. */
public interface AutoScalingGateway {

  /** The Auto Scaling group the instance belongs to. */
  Optional<String> groupOf(InstanceId id);

  /** Detaches the instance without lowering desired capacity, so the group replaces it. */
  Change detach(InstanceId id, String group, boolean dryRun);
}
