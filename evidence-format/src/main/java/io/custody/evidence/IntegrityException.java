package io.custody.evidence;

/** Evidence no longer matches what was recorded: a hash mismatch, a broken custody chain. Exit code 1. */
public final class IntegrityException extends CustodyException {

  private static final long serialVersionUID = 1L;

  public IntegrityException(String message) {
    super(message, null);
  }

  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.FINDINGS;
  }
}
