package io.custody.collector.cli;

import io.custody.evidence.ToolVersion;
import io.custody.evidence.cli.ExitCodes;
import io.custody.evidence.cli.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code custody} command: parses, calls one service per command, renders, returns an exit code. */
@Command(
    name = "custody",
    mixinStandardHelpOptions = true,
    versionProvider = CustodyCli.Version.class,
    description = "Forensic acquisition and analysis for AWS incident response.",
    subcommands = {KeysCommand.class, CaseCommand.class, SealCommand.class, VerifyCommand.class, HashCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 verification failed or findings, 2 usage, 3 AWS or permission, 4 partial acquisition, 5 host or OS, 70 internal."})
public final class CustodyCli {

  /** Set by --no-progress on any command. */
  static volatile boolean noProgress;

  private CustodyCli() {}

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Stack traces on errors.")
  void setVerbose(boolean verbose) {
    // read by ExitCodes from the parse result
  }

  @CommandLine.Option(names = "--no-progress", scope = CommandLine.ScopeType.INHERIT, description = "No progress bars on stderr.")
  void setNoProgress(boolean off) {
    noProgress = off;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs and returns the exit code (tests call this). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new CustodyCli());
    cl.setUsageHelpAutoWidth(true);
    return new ExitCodes("custody").install(cl);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"custody " + ToolVersion.version() + " (Java " + System.getProperty("java.version") + ")"};
    }
  }
}
