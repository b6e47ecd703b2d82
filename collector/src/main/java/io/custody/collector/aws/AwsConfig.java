package io.custody.collector.aws;

import java.net.URI;

/**
 * Where AWS calls go: region, named profile, endpoint override. Each may be null, meaning the SDK's
 * default chains (AWS_REGION, AWS_PROFILE, config files, instance metadata).
 */
public record AwsConfig(String region, String profile, URI endpoint) {

  public static AwsConfig defaults() {
    return new AwsConfig(null, null, null);
  }
}
