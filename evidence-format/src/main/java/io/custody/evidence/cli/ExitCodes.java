package io.custody.evidence.cli;

import io.custody.evidence.CustodyException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns every failure into its documented exit code, in one place (STYLE.md): 0 ok, 1 verification
 * failed or findings, 2 usage, 3 AWS/permission, 4 partial acquisition, 5 host/OS, 70 internal.
 * Stack traces only with {@code --verbose}.
 */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  public static final int OK = 0;
  public static final int FINDINGS = 1;
  public static final int USAGE = 2;
  public static final int INTERNAL = 70;

  private final String tool;

  public ExitCodes(String tool) {
    this.tool = tool;
  }

  /** Installs both handlers on a command line. */
  public CommandLine install(CommandLine cl) {
    cl.setExecutionExceptionHandler(this);
    cl.setParameterExceptionHandler(this);
    return cl;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean verbose = verbose(parsed);
    if (ex instanceof CustodyException ce) {
      err.println(tool + ": " + ce.getMessage());
      if (verbose) {
        ce.printStackTrace(err);
      }
      err.flush();
      return ce.exitCode();
    }
    err.println(tool + ": internal error: " + ex);
    if (verbose) {
      ex.printStackTrace(err);
    } else {
      err.println(tool + ": run again with --verbose for details");
    }
    err.flush();
    return INTERNAL;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(tool + ": " + ex.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
      err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help'.");
    }
    err.flush();
    return USAGE;
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
