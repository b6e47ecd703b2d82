package io.custody.evidence;

/** An AWS call failed or was refused (permissions, throttling beyond retries, unknown resource). Exit code 3. */
public final class AwsOperationException extends CustodyException {

  private static final long serialVersionUID = 1L;

  public AwsOperationException(String message) {
    super(message, null);
  }

  public AwsOperationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return 3;
  }
}
