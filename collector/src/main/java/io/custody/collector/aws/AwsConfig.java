package io.custody.collector.aws;

import io.custody.evidence.InvalidInputException;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;

/**
 * Where AWS calls go: region, named profile, endpoint override. Each may be null, meaning what the
 * AWS CLI would use: the region from {@code AWS_REGION}, then {@code AWS_DEFAULT_REGION}, then the
 * profile's {@code region} ({@code --profile}, else {@code AWS_PROFILE}, else {@code default}), then
 * instance metadata; credentials from the default chain (or the named profile); AWS's endpoints.
 */
public record AwsConfig(String region, String profile, URI endpoint) {

  public static AwsConfig defaults() {
    return new AwsConfig(null, null, null);
  }

  /**
   * The region calls go to, as the AWS CLI would pick it.
   *
   * @param env the process environment (tests pass their own)
   * @throws InvalidInputException when no region is set anywhere
   */
  public String resolveRegion(Map<String, String> env) {
    if (region != null) {
      return region;
    }
    for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    String p = profile != null ? profile : env.getOrDefault("AWS_PROFILE", "default");
    try {
      return new AwsRegionProviderChain(new AwsProfileRegionProvider(null, p), new InstanceProfileRegionProvider()).getRegion().id();
    } catch (SdkClientException e) {
      throw new InvalidInputException("Failed to find the AWS region: give --region, set AWS_REGION or AWS_DEFAULT_REGION, "
          + "or set region in profile '" + p + "'");
    }
  }
}
