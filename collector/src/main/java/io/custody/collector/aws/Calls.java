package io.custody.collector.aws;

import io.custody.evidence.AwsOperationException;
import io.custody.evidence.InvalidInputException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Runs SDK calls and turns their failures into Custody's: an unknown or malformed id is bad input
 * (exit 2), anything else AWS refuses is an AWS failure (exit 3) carrying AWS's error code and
 * request id. Messages read {@code Failed to <verb> <object>: <code>: <AWS message>}.
 */
final class Calls {

  private Calls() {}

  static <T> T call(String verb, String object, Supplier<T> body) {
    try {
      return body.get();
    } catch (AwsServiceException e) {
      throw translate(verb, object, e);
    } catch (SdkClientException e) {
      throw new AwsOperationException("Failed to " + verb + " " + object + ": " + e.getMessage(), e);
    }
  }

  static RuntimeException translate(String verb, String object, AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String msg = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    if (msg == null) {
      msg = "HTTP " + e.statusCode() + (e.statusCode() == 404 || e.statusCode() == 501 ? " (the endpoint does not offer this call)" : "");
    }
    String text = "Failed to " + verb + " " + object + ": " + (code == null ? "" : code + ": ") + msg;
    if (code != null && (code.endsWith(".NotFound") || code.endsWith(".Malformed") || code.equals("NoSuchEntity")
        || code.equals("NoSuchBucket") || code.equals("ValidationError") && msg != null && msg.contains("not found"))) {
      String hint = code.startsWith("InvalidInstanceID") || code.startsWith("InvalidSnapshot") || code.startsWith("InvalidVolume")
          ? " (wrong region? use --region)" : "";
      return new InvalidInputException(text + hint, e);
    }
    return new AwsOperationException(text, code, e.requestId(), e.statusCode(), e);
  }

  /** True when EC2 answered a DryRun request with "would have succeeded". */
  static boolean dryRunPassed(AwsServiceException e) {
    return e.awsErrorDetails() != null && "DryRunOperation".equals(e.awsErrorDetails().errorCode());
  }
}
