package io.custody.collector.cli;

import io.custody.evidence.InvalidInputException;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * The AWS options of every AWS command, as the AWS CLI has them. Unset options fall back to the
 * default credential chain and region provider ({@code AWS_REGION}, {@code AWS_PROFILE}, config
 * files, instance metadata).
 */
public final class AwsOptions {

  @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: the SDK's region chain).")
  String region;

  @Option(names = "--profile", paramLabel = "NAME", description = "Named profile from ~/.aws (default: the default credential chain).")
  String profile;

  @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS call to this endpoint (an emulator, a VPC endpoint).")
  String endpointUrl;

  public String region() {
    return region;
  }

  public String profile() {
    return profile;
  }

  /** The endpoint, or null. */
  public URI endpoint() {
    if (endpointUrl == null) {
      return null;
    }
    try {
      URI u = URI.create(endpointUrl);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Failed to use --endpoint-url '" + endpointUrl + "': " + e.getMessage());
    }
  }
}
