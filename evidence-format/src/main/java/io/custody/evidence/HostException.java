package io.custody.evidence;

/** The operating system refused something: a device, a mount, a file permission, a missing tool. Exit code 5. */
public final class HostException extends CustodyException {

  private static final long serialVersionUID = 1L;

  public HostException(String message) {
    super(message, null);
  }

  public HostException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public ExitCode exitCode() {
    return ExitCode.HOST;
  }
}
