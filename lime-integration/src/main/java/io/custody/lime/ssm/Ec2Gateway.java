package io.custody.lime.ssm;

import io.custody.evidence.AwsOperationException;

/** The EC2 facts memory capture needs. */
public interface Ec2Gateway {

  /**
   * The RAM of an instance, from its instance type (DescribeInstances, DescribeInstanceTypes).
   *
   * @throws AwsOperationException when the instance or its type is unknown
   */
  InstanceMemory memory(String instanceId);

  /** @param mib the instance type's memory in MiB */
  record InstanceMemory(String instanceId, String instanceType, long mib) {
    public long bytes() {
      return mib << 20;
    }
  }
}
