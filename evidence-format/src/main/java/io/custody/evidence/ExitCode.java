package io.custody.evidence;

/**
 * The exit codes of {@code custody} and {@code custody-verify}, the same for every command: what a
 * command's result or failure means to a script. Every exception kind and every command result
 * names one of these; the CLI turns it into the process's exit status in one place.
 */
public enum ExitCode {
  OK(0, "ok"),
  FINDINGS(1, "findings (medium or above), or verification failed"),
  USAGE(2, "usage: a wrong option or argument, an unknown case or item, a file that cannot be read"),
  AWS(3, "AWS refused or could not be reached: permissions, credentials, region, throttling, an unknown id"),
  PARTIAL(4, "partial: evidence stored with parts missing, or input analysed that was damaged; recorded as such"),
  HOST(5, "host or OS: a device, a mount, a missing tool, a file the OS refused"),
  INTERNAL(70, "internal error (a bug: please report it with the --verbose output)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** What it means, in a few words (help pages list it). */
  public String meaning() {
    return meaning;
  }
}
