package io.custody.collector.cli;

import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * The AWS options of every AWS command, as the AWS CLI has them. Unset options fall back to what the
 * AWS CLI would use: {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the profile's region; {@code
 * AWS_PROFILE} and the default credential chain; AWS's endpoints.
 */
final class AwsOptions {

  @Option(names = "--region", paramLabel = "REGION",
      description = "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region).")
  String region;

  @Option(names = "--profile", paramLabel = "NAME", description = "Named profile from ~/.aws (default: AWS_PROFILE, else the default credential chain).")
  String profile;

  @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS call to this endpoint (an emulator, a VPC endpoint).")
  String endpointUrl;

  /** Opens a session for the options (close it). */
  AwsSession open() {
    return AwsSession.open(new AwsConfig(region, profile, endpoint()));
  }

  /** The endpoint, or null. */
  URI endpoint() {
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
      throw new InvalidInputException("Failed to use --endpoint-url '" + Printable.of(endpointUrl.replaceAll("//[^/@]*@", "//***@"))
          + "': " + e.getMessage() + " (expected e.g. https://ec2.eu-west-1.amazonaws.com)");
    }
  }
}
