package io.custody.evidence;

/** An acquisition finished with part of the evidence missing or unverified; what is missing is in the message and in the custody log. Exit code 4. */
public final class PartialAcquisitionException extends CustodyException {

  private static final long serialVersionUID = 1L;

  public PartialAcquisitionException(String message) {
    super(message, null);
  }

  public PartialAcquisitionException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.PARTIAL;
  }
}
