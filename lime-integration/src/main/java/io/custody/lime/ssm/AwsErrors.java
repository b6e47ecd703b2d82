package io.custody.lime.ssm;

import io.custody.evidence.AwsOperationException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** SDK exceptions as Custody's: {@code Failed to <what>: <AWS code and message> (request id …)}. */
final class AwsErrors {

  private AwsErrors() {}

  static AwsOperationException of(String what, SdkException e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      String code = s.awsErrorDetails().errorCode();
      String msg = s.awsErrorDetails().errorMessage();
      return new AwsOperationException("Failed to " + what + ": " + (code == null ? "HTTP " + s.statusCode() : code)
          + (msg == null ? "" : " " + msg) + (s.requestId() == null ? "" : " (request id " + s.requestId() + ")"), e);
    }
    return new AwsOperationException("Failed to " + what + ": " + e.getMessage(), e);
  }

  static String code(SdkException e) {
    return e instanceof AwsServiceException s && s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
  }

  static int status(SdkException e) {
    return e instanceof AwsServiceException s ? s.statusCode() : -1;
  }
}
