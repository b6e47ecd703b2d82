package io.custody.collector.aws;

/**
 * The gateways of one run, one per AWS service, all sharing one configuration (region, profile,
 * endpoint, credentials, adaptive retries) and one HTTP client. Close it at the end of the run.
 * This package is the only one that imports the AWS SDK.
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

  SsmGateway ssm();

  StsGateway sts();

  SweepGateway sweep(String region);

  EbsDirectGateway ebsDirect();

  @Override
  void close();

  /** Opens a session over the AWS SDK, with the region resolved from the process environment. */
  static AwsSession open(AwsConfig config) {
    return new SdkAwsSession(config, System.getenv());
  }
}
