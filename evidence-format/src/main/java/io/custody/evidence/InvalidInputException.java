package io.custody.evidence;

/** Bad input from the user or from evidence: an unknown case, a malformed file, an unsafe name. Exit code 2. */
public final class InvalidInputException extends CustodyException {

  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message, null);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.USAGE;
  }
}
