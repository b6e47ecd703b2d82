package io.custody.collector.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancing.ElasticLoadBalancingClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the SDK clients once per run: the endpoint override applies to every service (path-style
 * S3 then), adaptive retries (client-side rate limiting when AWS throttles), one Apache HTTP client,
 * one credentials provider ({@code --profile}, else the default chain).
 */
final class SdkAwsSession implements AwsSession {

  private final AwsConfig config;
  private final String region;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private final Map<String, Ec2Gateway> ec2 = new ConcurrentHashMap<>();
  private final Map<String, SweepGateway> sweeps = new ConcurrentHashMap<>();
  private AutoScalingGateway autoScaling;
  private LoadBalancingGateway loadBalancing;
  private IamGateway iam;
  private S3Gateway s3;
  private SsmGateway ssm;
  private StsGateway sts;
  private EbsDirectGateway ebs;

  SdkAwsSession(AwsConfig config, Map<String, String> env) {
    this.config = config;
    this.region = config.resolveRegion(env);
    this.http = ApacheHttpClient.builder().maxConnections(64).connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60))
        .build();
    this.credentials = config.profile() != null
        ? ProfileCredentialsProvider.builder().profileName(config.profile()).build()
        : DefaultCredentialsProvider.builder().build();
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public Ec2Gateway ec2() {
    return ec2(region);
  }

  @Override
  public Ec2Gateway ec2(String r) {
    return ec2.computeIfAbsent(r, x -> new SdkEc2Gateway(build(Ec2Client.builder(), x), x));
  }

  @Override
  public synchronized AutoScalingGateway autoScaling() {
    if (autoScaling == null) {
      autoScaling = new SdkAutoScalingGateway(build(AutoScalingClient.builder(), region));
    }
    return autoScaling;
  }

  @Override
  public synchronized LoadBalancingGateway loadBalancing() {
    if (loadBalancing == null) {
      loadBalancing = new SdkLoadBalancingGateway(build(ElasticLoadBalancingClient.builder(), region),
          build(ElasticLoadBalancingV2Client.builder(), region));
    }
    return loadBalancing;
  }

  @Override
  public synchronized IamGateway iam() {
    if (iam == null) {
      // IAM is global; its endpoint lives in us-east-1 (aws-global) unless overridden.
      IamClient client = config.endpoint() == null
          ? build(IamClient.builder(), Region.AWS_GLOBAL.id())
          : build(IamClient.builder(), region);
      iam = new SdkIamGateway(client);
    }
    return iam;
  }

  @Override
  public synchronized S3Gateway s3() {
    if (s3 == null) {
      boolean emulated = config.endpoint() != null;
      // Trail buckets often live in another region (a central logging account): follow S3's redirect
      // there rather than fail. An emulator or VPC endpoint answers for every region itself.
      // Checksums only where S3 requires them: a multipart upload started with a checksum algorithm
      // would demand one with every part, which the evidence host's curl cannot send.
      S3Client client = build(S3Client.builder().forcePathStyle(emulated).crossRegionAccessEnabled(!emulated)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED), region);
      S3Presigner.Builder p = S3Presigner.builder().region(Region.of(region)).credentialsProvider(credentials);
      if (emulated) {
        p.endpointOverride(config.endpoint()).serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
      }
      S3Presigner presigner = p.build();
      synchronized (clients) {
        clients.add(presigner);
      }
      s3 = new SdkS3Gateway(client, presigner);
    }
    return s3;
  }

  @Override
  public synchronized SsmGateway ssm() {
    if (ssm == null) {
      ssm = new SdkSsmGateway(build(SsmClient.builder(), region));
    }
    return ssm;
  }

  @Override
  public synchronized StsGateway sts() {
    if (sts == null) {
      StsClient client = build(StsClient.builder(), region);
      sts = () -> {
        var id = Calls.call("identify", "the caller", () -> client.getCallerIdentity());
        return new StsGateway.Identity(id.account(), id.arn());
      };
    }
    return sts;
  }

  @Override
  public synchronized EbsDirectGateway ebsDirect() {
    if (ebs == null) {
      ebs = new SdkEbsDirectGateway(build(software.amazon.awssdk.services.ebs.EbsClient.builder(), region));
    }
    return ebs;
  }

  @Override
  public SweepGateway sweep(String r) {
    return sweeps.computeIfAbsent(r, x -> new SdkSweepGateway(build(LambdaClient.builder(), x), build(CloudTrailClient.builder(), x), x));
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends AutoCloseable> C build(B builder, String r) {
    builder.region(Region.of(r)).credentialsProvider(credentials).httpClient(http)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.adaptiveRetryStrategy()));
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    C client = builder.build();
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  @Override
  public void close() {
    synchronized (clients) {
      for (AutoCloseable c : clients) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing clients frees sockets only
        }
      }
      clients.clear();
    }
    http.close();
  }
}
