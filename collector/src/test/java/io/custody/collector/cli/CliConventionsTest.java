package io.custody.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.collector.testing.CliRun;
import io.custody.evidence.ExitCode;
import io.custody.evidence.cli.VerifyMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

/**
 * The conventions every command keeps: {@code --json}, an example and the exit codes on its help page,
 * a description for every argument, {@code --case} where it works on a case, usage errors exit 2, one
 * time syntax, and no command class that returns a literal exit code.
 */
class CliConventionsTest {

  @TempDir Path tmp;

  /** Every command that runs (leaves of the tree) of custody and custody-verify. */
  static List<CommandLine> leaves() {
    List<CommandLine> out = new ArrayList<>();
    collect(CustodyCli.commandLine(), out);
    collect(VerifyMain.commandLine(), out);
    return out;
  }

  private static void collect(CommandLine cl, List<CommandLine> out) {
    if (cl.getSubcommands().isEmpty()) {
      out.add(cl);
    }
    cl.getSubcommands().values().forEach(s -> collect(s, out));
  }

  @Test
  void everyCommand_hasJsonAnExampleTheExitCodesAndDescribedArguments() {
    List<CommandLine> leaves = leaves();
    assertThat(leaves).hasSizeGreaterThan(20);
    for (CommandLine cl : leaves) {
      CommandSpec spec = cl.getCommandSpec();
      String name = spec.qualifiedName();
      assertThat(spec.findOption("--json")).as(name + " --json").isNotNull();
      String help = cl.getUsageMessage();
      assertThat(help).as(name + " help").contains("Example:", "Exit codes:");
      for (ExitCode c : ExitCode.values()) {
        assertThat(help).as(name + " exit code " + c).containsPattern("(?m)^\\s+" + c.code() + "\\s+" + Pattern.quote(c.meaning().substring(0, Math.min(10, c.meaning().length()))));
      }
      for (OptionSpec o : spec.options()) {
        assertThat(o.hidden() || o.description().length > 0).as(name + " " + o.longestName() + " has a description").isTrue();
      }
      for (PositionalParamSpec p : spec.positionalParameters()) {
        assertThat(p.hidden() || p.description().length > 0).as(name + " " + p.paramLabel() + " has a description").isTrue();
      }
      String example = help.substring(help.indexOf("Example:"));
      assertThat(example).as(name + " example names the command").contains(name);
    }
  }

  @Test
  void everyCommandOnACase_takesCaseAsAnOption() {
    for (CommandLine cl : leaves()) {
      CommandSpec spec = cl.getCommandSpec();
      if (spec.findOption("--home") != null) {
        assertThat(spec.findOption("--case")).as(spec.qualifiedName() + " --case").isNotNull();
      }
    }
  }

  @Test
  void noCommandClass_returnsALiteralExitCode() throws Exception {
    Path dir = Path.of("src/main/java/io/custody/collector/cli");
    Pattern literal = Pattern.compile("return\\s+[0-9]+\\s*;|\\?\\s*[0-9]+\\s*:\\s*[0-9]+");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith("Command.java")).toList()) {
        assertThat(literal.matcher(Files.readString(f)).find()).as(f + " returns a literal exit code").isFalse();
      }
    }
  }

  @Test
  void times_oneSyntaxEverywhere_errorsSayWhatIsAccepted() {
    for (String[] cmd : List.of(new String[] {"sweep", "--case", "X", "--since", "yesterday"},
        new String[] {"acquire", "cloudtrail", "--case", "X", "--bucket", "b", "--since", "yesterday"},
        new String[] {"analyze", "disk", "--case", "X", "--item", "i", "--since", "yesterday"},
        new String[] {"analyze", "cloudtrail", "--case", "X", "--since", "yesterday"})) {
      CliRun r = CliRun.run(cmd);
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err()).as(r.toString()).contains("'yesterday' is not a time: expected a date (2026-03-01, UTC) or an RFC 3339 time")
          .doesNotContain("java.").doesNotContain("Exception");
    }
    assertThat(Times.parse("2026-03-01")).hasToString("2026-03-01T00:00:00Z");
    assertThat(Times.parse("2026-03-01T12:00:00+02:00")).hasToString("2026-03-01T10:00:00Z");
    assertThat(Times.parse("2026-03-01T10:00")).hasToString("2026-03-01T10:00:00Z");
    assertThat(new Times.Span().convert("90s")).hasToString("PT1M30S");
    assertThat(new Times.Span().convert("2h")).hasToString("PT2H");
  }

  @Test
  void zonelessTime_takenAsUtc_andSaidSo() {
    CliRun r = CliRun.run("analyze", "cloudtrail", "--case", "NOPE", "--home", tmp.toString(), "--since", "2026-03-01T10:00", "x.json");
    assertThat(r.err()).contains("'2026-03-01T10:00' has no time zone: taken as UTC (2026-03-01T10:00:00Z)");
  }

  @Test
  void caseAsArgument_stillWorks_andSaysItIsDeprecated() throws Exception {
    String home = tmp.resolve("home").toString();
    CliRun open = CliRun.run("case", "open", "IR-1", "--examiner", "E", "--home", home);
    assertThat(open.exit()).as(open.toString()).isZero();
    assertThat(open.err()).contains("deprecated", "--case IR-1");
    CliRun status = CliRun.run("case", "status", "--case", "IR-1", "--home", home, "--json");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.err()).doesNotContain("deprecated");
    CliRun both = CliRun.run("case", "status", "IR-1", "--case", "IR-2", "--home", home);
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("--case IR-2 and the argument IR-1 differ");
    CliRun none = CliRun.run("case", "status", "--home", home);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("give --case CASE");
  }

  @Test
  void verify_missingBundle_isAUsageError() {
    CliRun r = CliRun.run("verify", tmp.resolve("missing.tar").toString(), "--trust", tmp.resolve("cert.pem").toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("missing.tar", "no such file");
  }

  @Test
  void json_everyCommandPrintsOneDocument() throws Exception {
    String home = tmp.resolve("home").toString();
    for (String[] cmd : List.of(new String[] {"case", "open", "--case", "IR-J", "--examiner", "E", "--home", home, "--json"},
        new String[] {"case", "status", "--case", "IR-J", "--home", home, "--json"},
        new String[] {"keys", "init", "--dir", tmp.resolve("keys").toString(), "--subject", "CN=T", "--json"},
        new String[] {"lime", "install-document", "--print", "--json"},
        new String[] {"hash", Files.writeString(tmp.resolve("f"), "x").toString(), "--json"})) {
      CliRun r = CliRun.run(cmd);
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(io.custody.evidence.Json.mapper().readTree(r.out()).isObject()).as(r.toString()).isTrue();
    }
  }
}
