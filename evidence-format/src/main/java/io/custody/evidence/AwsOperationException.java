package io.custody.evidence;

/**
 * An AWS call failed or was refused (permissions, throttling beyond retries, an unknown resource).
 * Exit code 3. Carries AWS's error code and request id when AWS answered.
 */
public final class AwsOperationException extends CustodyException {

  private static final long serialVersionUID = 1L;

  private final String errorCode;
  private final String requestId;
  private final int statusCode;

  public AwsOperationException(String message) {
    this(message, null, null, 0, null);
  }

  public AwsOperationException(String message, Throwable cause) {
    this(message, null, null, 0, cause);
  }

  /**
   * @param errorCode AWS's error code, e.g. {@code InvalidInstanceID.NotFound}, or null
   * @param requestId the request id of the failed call, or null
   * @param statusCode the HTTP status, or 0
   */
  public AwsOperationException(String message, String errorCode, String requestId, int statusCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.requestId = requestId;
    this.statusCode = statusCode;
  }

  public String errorCode() {
    return errorCode;
  }

  public String requestId() {
    return requestId;
  }

  public int statusCode() {
    return statusCode;
  }

  /** True when the endpoint does not implement the call (an emulator, an old region). */
  public boolean unsupported() {
    return statusCode == 501 || "NotImplemented".equals(errorCode) || "InvalidAction".equals(errorCode)
        || "UnsupportedOperation".equals(errorCode);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.AWS;
  }
}
