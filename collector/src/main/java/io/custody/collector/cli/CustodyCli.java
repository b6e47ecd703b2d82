package io.custody.collector.cli;

import io.custody.evidence.ToolVersion;
import io.custody.evidence.cli.ExitCodes;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.cli.VerifyCommand;
import io.custody.evidence.hash.WarmUp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code custody} command: parses, calls one service per command, renders, returns an exit code.
 *
 * <p>Only the subcommand being run is registered with picocli (all of them for help and errors):
 * building the model of every command by reflection would cost each run a noticeable part of a
 * second.
 */
@Command(
    name = "custody",
    mixinStandardHelpOptions = true,
    versionProvider = CustodyCli.Version.class,
    description = "Forensic acquisition and analysis for AWS incident response.",
    footerHeading = "%nExample:%n",
    footer = "  custody case open --case IR-2026-001 --examiner 'Jane Doe'")
public final class CustodyCli {

  /** The subcommands, in the order help lists them. */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("keys", KeysCommand::new);
    COMMANDS.put("case", CaseCommand::new);
    COMMANDS.put("contain", ContainCommand::new);
    COMMANDS.put("sweep", SweepCommand::new);
    COMMANDS.put("acquire", AcquireCommand::new);
    COMMANDS.put("mount", MountCommand::new);
    COMMANDS.put("umount", UmountCommand::new);
    COMMANDS.put("export", ExportCommand::new);
    COMMANDS.put("lime", LimeCommand::new);
    COMMANDS.put("analyze", AnalyzeCommand::new);
    COMMANDS.put("report", ReportCommand::new);
    COMMANDS.put("seal", SealCommand::new);
    COMMANDS.put("verify", VerifyCommand::new);
    COMMANDS.put("hash", HashCommand::new);
  }

  private CustodyCli() {}

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Stack traces on errors.")
  void setVerbose(boolean verbose) {
    // read by ExitCodes from the parse result
  }

  @CommandLine.Option(names = "--no-progress", scope = CommandLine.ScopeType.INHERIT,
      description = "No progress bars on stderr (there are none anyway when stderr is not a terminal).")
  void setNoProgress(boolean off) {
    TerminalProgress.disable(off);
  }

  public static void main(String[] args) {
    WarmUp.start(WarmUp.forArgs(args));
    System.exit(run(args));
  }

  /** Runs and returns the exit code (tests call this). */
  public static int run(String... args) {
    return commandLine(args).execute(args);
  }

  /** The command line with the subcommand {@code args} name, or with all of them. */
  public static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new CustodyCli());
    String wanted = null;
    for (String a : args) {
      if (!a.startsWith("-")) {
        wanted = a;
        break;
      }
    }
    if (wanted != null && COMMANDS.containsKey(wanted)) {
      cl.addSubcommand(wanted, COMMANDS.get(wanted).get());
    } else {
      COMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));
    }
    // settings apply to the subcommands present when they are made
    cl.setUsageHelpAutoWidth(true);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return new ExitCodes("custody").install(cl);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"custody " + ToolVersion.version() + " (Java " + System.getProperty("java.version") + ")"};
    }
  }
}
