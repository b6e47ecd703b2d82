package io.custody.lime.ssm;

import io.custody.evidence.AwsOperationException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the gateways of memory capture from the AWS CLI's options: region and profile (default
 * chains when unset), an endpoint override that applies to every service (an emulator, VPC
 * endpoints; S3 then uses path-style addressing), adaptive retries, one Apache HTTP client shared by
 * all. Close it to release connections.
 */
public final class AwsClients implements AutoCloseable {

  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final URI endpoint;
  private final SdkHttpClient http;
  private S3Client s3;
  private S3Presigner presigner;
  private SsmClient ssm;
  private Ec2Client ec2;

  private AwsClients(Region region, AwsCredentialsProvider credentials, URI endpoint) {
    this.region = region;
    this.credentials = credentials;
    this.endpoint = endpoint;
    this.http = ApacheHttpClient.builder().maxConnections(16).socketTimeout(Duration.ofSeconds(60)).build();
  }

  /**
   * @param region null for the SDK's region chain
   * @param profile null for the default credential chain
   * @param endpoint null for AWS's endpoints
   * @throws AwsOperationException when no region can be found
   */
  public static AwsClients create(String region, String profile, URI endpoint) {
    AwsCredentialsProvider creds = profile == null ? DefaultCredentialsProvider.builder().build() : ProfileCredentialsProvider.create(profile);
    Region r;
    if (region != null) {
      r = Region.of(region);
    } else {
      try {
        r = (profile == null ? DefaultAwsRegionProviderChain.builder().build() : DefaultAwsRegionProviderChain.builder().profileName(profile).build())
            .getRegion();
      } catch (SdkClientException e) {
        throw new AwsOperationException("Failed to find an AWS region: give --region or set AWS_REGION", e);
      }
    }
    return new AwsClients(r, creds, endpoint);
  }

  public String region() {
    return region.id();
  }

  public synchronized S3Gateway s3() {
    if (s3 == null) {
      var b = S3Client.builder().region(region).credentialsProvider(credentials).httpClient(http).overrideConfiguration(overrides())
          // Presigned part URLs must not demand checksums the host's curl cannot send.
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      var p = S3Presigner.builder().region(region).credentialsProvider(credentials);
      if (endpoint != null) {
        b.endpointOverride(endpoint).forcePathStyle(true);
        p.endpointOverride(endpoint).serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
      }
      s3 = b.build();
      presigner = p.build();
    }
    return new SdkS3Gateway(s3, presigner);
  }

  public synchronized SsmGateway ssm() {
    if (ssm == null) {
      var b = SsmClient.builder().region(region).credentialsProvider(credentials).httpClient(http).overrideConfiguration(overrides());
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      ssm = b.build();
    }
    return new SdkSsmGateway(ssm);
  }

  public synchronized Ec2Gateway ec2() {
    if (ec2 == null) {
      var b = Ec2Client.builder().region(region).credentialsProvider(credentials).httpClient(http).overrideConfiguration(overrides());
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      ec2 = b.build();
    }
    return new SdkEc2Gateway(ec2);
  }

  private static ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder().retryStrategy(RetryMode.ADAPTIVE_V2).build();
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : new AutoCloseable[] {s3, presigner, ssm, ec2}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // closing a client releases connections; nothing to do when it fails
        }
      }
    }
    http.close();
  }
}
