package io.custody.collector.aws;

/**
 * The gateways of one run, all sharing one configuration (region, profile, endpoint) and one HTTP
 * client. Close it at the end of the run.
 */
public interface AwsSession extends AutoCloseable {

  /** The region commands act in. */
  String region();

  Ec2Gateway ec2();

  Ec2Gateway ec2(String region);

  AutoScalingGateway autoScaling();

  LoadBalancingGateway loadBalancing();

  IamGateway iam();

  S3Gateway s3();

  StsGateway sts();

  SweepGateway sweep(String region);

  EbsDirectGateway ebsDirect();

  @Override
  void close();

  /** Opens a session over the AWS SDK. */
  static AwsSession open(AwsConfig config) {
    return new SdkAwsSession(config);
  }
}
