package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.workspace.Case;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody case open --case CASE --examiner NAME}. */
@Command(name = "open", description = "Open a new case and start its custody log.", mixinStandardHelpOptions = true,
    footerHeading = "%nExample:%n", footer = "  custody case open --case IR-2026-001 --examiner 'Jane Doe' --org 'ACME IR'")
final class CaseOpenCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CASE", description = "The case id (deprecated: use --case): 1-64 of A-Z a-z 0-9 . _ -")
  String positional;

  @Option(names = "--examiner", required = true, paramLabel = "NAME", description = "The examiner responsible for the case.")
  String examiner;

  @Option(names = "--org", paramLabel = "ORG", description = "The examiner's organisation.")
  String org;

  @Option(names = "--description", paramLabel = "TEXT", description = "What the case is about.")
  String description;

  /** What {@code --json} prints. */
  record Opened(@JsonProperty("case") String caseId, @JsonProperty("folder") String folder, @JsonProperty("examiner") String examiner,
      @JsonProperty("organization") String organization) {}

  @Override
  protected Output run() {
    Case c = kase.home.store().open(kase.id(positional), examiner, org, description);
    return Output.ok(new Opened(c.id(), c.dir().toString(), c.info().examiner(), c.info().organization()), out -> {
      out.println("case      " + c.id());
      out.println("folder    " + c.dir());
      out.println("examiner  " + c.info().examiner() + (c.info().organization() == null ? "" : " (" + c.info().organization() + ")"));
    });
  }
}
