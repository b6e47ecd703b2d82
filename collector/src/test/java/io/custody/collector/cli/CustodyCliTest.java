package io.custody.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.collector.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustodyCliTest {

  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void help_listsEveryCommandAndTheExitCodes() {
    CliRun r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("keys", "case", "seal", "verify", "hash", "Exit codes:", "  0   ok", " 70   internal error");
  }

  @Test
  void onlyTheNamedSubcommandIsBuilt() {
    assertThat(CustodyCli.commandLine("hash", "x").getSubcommands()).containsOnlyKeys("hash");
    assertThat(CustodyCli.commandLine("--verbose", "case", "status", "--case", "X").getSubcommands()).containsOnlyKeys("case");
    assertThat(CustodyCli.commandLine("nonsense").getSubcommands()).containsKeys("keys", "case", "seal", "verify", "hash");
  }

  @Test
  void unknownCommand_usageExit2WithHint() {
    CliRun r = run("sael");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'sael'", "custody --help");
  }

  @Test
  void caseCommands_withHome_endToEnd() throws Exception {
    String home = tmp.resolve("home").toString();
    assertThat(run("case", "open", "--case", "IR-1", "--examiner", "E", "--home", home).exit()).isZero();
    Path f = Files.writeString(tmp.resolve("notes.txt"), "hello");
    CliRun add = run("case", "add", "--case", "IR-1", "--home", home, "--type", "other", "--source-id", "analyst-notes", f.toString());
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out()).contains("item-001", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    CliRun status = run("case", "status", "--case", "IR-1", "--home", home);
    assertThat(status.out()).contains("custody log  3 entries", "intact", "open actions none");
    CliRun bad = run("case", "add", "--case", "IR-1", "--home", home, "--type", "floppy", "--source-id", "x", f.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("Failed to parse item type 'floppy'");
  }

  @Test
  void internalErrorsAreExit70_stackOnlyWithVerbose() {
    // A directory where a file is expected is refused cleanly (exit 2), not as an internal error.
    CliRun r = run("hash", tmp.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("\tat ");
  }
}
