package io.custody.collector.aws;

import io.custody.evidence.AwsOperationException;
import io.custody.evidence.Printable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one translation of SDK failures into Custody's, for every gateway: whatever AWS refuses or
 * cannot be asked is an {@link AwsOperationException} (exit 3) carrying AWS's error code and request
 * id when AWS answered, in one line: {@code Failed to <verb> <object>: <code>: <AWS message>}, with a
 * hint where the usual cause is known (an id not found in this region, missing credentials, an
 * endpoint that does not answer). The SDK's own long messages (its credential provider chain, stack
 * of causes) are never shown whole.
 */
final class Calls {

  /** How the SDK names the profile it found no credentials in. */
  private static final Pattern PROFILE = Pattern.compile("profile '([^']{1,64})'");

  private Calls() {}

  static <T> T call(String verb, String object, Supplier<T> body) {
    try {
      return body.get();
    } catch (AwsServiceException e) {
      throw translate(verb, object, e);
    } catch (SdkException e) {
      throw unreachable(verb, object, e);
    }
  }

  /** AWS answered with an error. */
  static AwsOperationException translate(String verb, String object, AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String msg = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    if (msg == null) {
      msg = "HTTP " + e.statusCode() + (e.statusCode() == 404 || e.statusCode() == 501 ? " (the endpoint does not offer this call)" : "");
    }
    String text = "Failed to " + verb + " " + object + ": " + (code == null ? "" : code + ": ") + Printable.of(msg) + hint(code, e.statusCode());
    return new AwsOperationException(text, code, e.requestId(), e.statusCode(), e);
  }

  /** AWS could not be asked: no credentials, no region, no connection, a response the SDK could not read. */
  static AwsOperationException unreachable(String verb, String object, Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String why;
    Matcher profile = PROFILE.matcher(m);
    if (m.contains("Unable to load credentials from any of the providers")) {
      why = "no AWS credentials found (give --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
          + "or run on an instance with a role)";
    } else if (m.contains("credentials") && profile.find()) {
      why = "no AWS credentials for profile '" + Printable.of(profile.group(1)) + "' (check --profile or AWS_PROFILE against ~/.aws/credentials "
          + "and ~/.aws/config)";
    } else if (m.contains("credentials")) {
      why = "no usable AWS credentials (" + firstLine(m) + ")";
    } else if (m.contains("Unable to execute HTTP request") || m.contains("Connect") || m.contains("connect")) {
      why = "cannot reach the AWS endpoint (" + firstLine(cause(e)) + "; check the network, VPC endpoints or --endpoint-url)";
    } else {
      why = firstLine(m);
    }
    return new AwsOperationException("Failed to " + verb + " " + object + ": " + why, e);
  }

  private static String hint(String code, int status) {
    if (code == null) {
      return "";
    }
    if (code.endsWith(".NotFound") || code.endsWith(".Malformed")) {
      return " (wrong region? use --region)";
    }
    if (code.equals("ExpiredToken") || code.equals("InvalidClientTokenId") || code.equals("SignatureDoesNotMatch")
        || code.equals("InvalidAccessKeyId") || code.equals("UnrecognizedClientException")) {
      return " (the credentials are expired or wrong: refresh them or use another --profile)";
    }
    if (code.contains("AccessDenied") || code.equals("UnauthorizedOperation") || status == 403) {
      return " (the workstation's role lacks this permission: see docs/iam)";
    }
    return "";
  }

  private static String cause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  /** The first line, printable and at most 200 characters. */
  private static String firstLine(String m) {
    String line = m.strip().split("\n", 2)[0];
    return Printable.of(line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }

  /** True when EC2 answered a DryRun request with "would have succeeded". */
  static boolean dryRunPassed(AwsServiceException e) {
    return e.awsErrorDetails() != null && "DryRunOperation".equals(e.awsErrorDetails().errorCode());
  }
}
