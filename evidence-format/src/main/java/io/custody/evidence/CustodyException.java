package io.custody.evidence;

/**
 * The one exception family of Custody. Each kind maps to one documented exit code, so the CLI turns
 * any failure into the right code in one place.
 *
 * <p>Messages follow {@code Failed to <verb> <object> '<id>': <cause>}.
 */
public abstract sealed class CustodyException extends RuntimeException
    permits InvalidInputException,
        AwsOperationException,
        IntegrityException,
        HostException,
        PartialAcquisitionException {

  private static final long serialVersionUID = 1L;

  protected CustodyException(String message, Throwable cause) {
    super(message, cause);
  }

  /** What this failure means to a script: the exit code it maps to. */
  public abstract ExitCode exitCode();
}
