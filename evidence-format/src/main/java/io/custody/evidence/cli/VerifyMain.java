package io.custody.evidence.cli;

import io.custody.evidence.ToolVersion;
import picocli.CommandLine;

/**
 * {@code custody-verify}: the standalone offline verifier (one jar, no AWS classes) for legal teams
 * and outside firms.
 */
public final class VerifyMain {

  private VerifyMain() {}

  public static void main(String[] args) {
    io.custody.evidence.hash.WarmUp.start(java.util.Set.of(io.custody.evidence.HashAlgorithm.SHA256));
    System.exit(run(args));
  }

  /** Runs and returns the exit code (for tests). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The {@code custody-verify} command line (also what docs/cli.md is generated from). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new VerifyCommand());
    cl.setCommandName("custody-verify");
    cl.getCommandSpec().version("custody-verify " + ToolVersion.version());
    cl.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("--verbose").description("Stack traces on errors.").build());
    cl.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("--no-progress").description("No progress bar on stderr.")
        .setter(new CommandLine.Model.ISetter() {
          @Override
          public <T> T set(T value) {
            TerminalProgress.disable(Boolean.TRUE.equals(value));
            return null;
          }
        }).type(boolean.class).build());
    return new ExitCodes("custody-verify").install(cl);
  }
}
