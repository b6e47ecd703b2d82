package io.custody.evidence.cli;

import io.custody.evidence.CustodyException;
import io.custody.evidence.ExitCode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Turns every failure into its documented exit code, in one place (STYLE.md): a {@link
 * CustodyException} into the {@link ExitCode} it names, a usage error into 2, anything else into 70
 * with its stack trace only under {@code --verbose}. Also puts the exit codes and the example of each
 * command on its {@code --help} page.
 */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  private final String tool;

  public ExitCodes(String tool) {
    this.tool = tool;
  }

  /** Installs both handlers, and the exit-code list on every command's help, on a command line. */
  public CommandLine install(CommandLine cl) {
    cl.setExecutionExceptionHandler(this);
    cl.setParameterExceptionHandler(this);
    helpPages(cl);
    return cl;
  }

  /** Each command's help lists the exit codes (all of them: their meaning is the same everywhere). */
  private static void helpPages(CommandLine cl) {
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode c : ExitCode.values()) {
      codes.put(String.format("%3d", c.code()), c.meaning());
    }
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    cl.getSubcommands().values().forEach(ExitCodes::helpPages);
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
      return ce.exitCode().code();
    }
    err.println(tool + ": internal error: " + ex);
    if (verbose) {
      ex.printStackTrace(err);
    } else {
      err.println(tool + ": run again with --verbose for details");
    }
    err.flush();
    return ExitCode.INTERNAL.code();
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
    return ExitCode.USAGE.code();
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
