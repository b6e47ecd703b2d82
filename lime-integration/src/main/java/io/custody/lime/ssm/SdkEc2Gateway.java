package io.custody.lime.ssm;

import io.custody.evidence.AwsOperationException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

/** {@link Ec2Gateway} on the AWS SDK. */
final class SdkEc2Gateway implements Ec2Gateway {

  private final Ec2Client ec2;

  SdkEc2Gateway(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  @Override
  public InstanceMemory memory(String instanceId) {
    String type;
    try {
      type = ec2.describeInstances(b -> b.instanceIds(instanceId)).reservations().stream()
          .flatMap(r -> r.instances().stream()).filter(i -> instanceId.equals(i.instanceId())).map(Instance::instanceTypeAsString)
          .findFirst().orElseThrow(() -> new AwsOperationException("Failed to describe instance '" + instanceId + "': not found"));
    } catch (SdkException e) {
      throw AwsErrors.of("describe instance '" + instanceId + "'", e);
    }
    try {
      InstanceTypeInfo info = ec2.describeInstanceTypes(b -> b.instanceTypesWithStrings(type)).instanceTypes().stream().findFirst()
          .orElseThrow(() -> new AwsOperationException("Failed to describe instance type '" + type + "': not found"));
      if (info.memoryInfo() == null || info.memoryInfo().sizeInMiB() == null) {
        throw new AwsOperationException("Failed to describe instance type '" + type + "': no memory size");
      }
      return new InstanceMemory(instanceId, type, info.memoryInfo().sizeInMiB());
    } catch (SdkException e) {
      throw AwsErrors.of("describe instance type '" + type + "'", e);
    }
  }
}
