package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.ExitCode;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.custody.ChainProblem;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.workspace.CaseInfo;
import io.custody.evidence.workspace.CaseStatus;
import io.custody.evidence.workspace.Item;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code custody case status --case CASE}: items, the custody log's state, unfinished actions. Exit 1 when the log is broken. */
@Command(name = "status", description = "Show a case: items, custody log state, unfinished actions (exit 1 when the custody log is broken).",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody case status --case IR-2026-001 --json")
final class CaseStatusCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CASE", description = "The case id (deprecated: use --case).")
  String positional;

  @Override
  protected Output run() {
    CaseStatus s = CaseStatus.of(kase.load(positional));
    return new Output(s, out -> render(s, out), s.custody().intact() ? ExitCode.OK : ExitCode.FINDINGS);
  }

  private static void render(CaseStatus s, PrintWriter out) {
    CaseInfo i = s.info();
    out.println("case         " + i.id() + "  (opened " + i.openedUtc() + " by " + i.examiner() + (i.organization() == null ? "" : ", " + i.organization()) + ")");
    if (i.description() != null) {
      out.println("description  " + i.description());
    }
    out.println("folder       " + s.dir());
    out.println("items        " + s.items().size());
    for (Item it : s.items()) {
      out.printf("  %-9s %-9s %-24s %10s  sha256 %s%n", it.id(), it.type().label(), it.sourceId(), ByteSize.format(it.size()), it.hashes().sha256());
    }
    var c = s.custody();
    out.println("custody log  " + c.entries() + " entries, head " + c.head() + ", " + (c.intact() ? "intact" : "BROKEN"));
    for (ChainProblem p : c.problems()) {
      out.println("  " + (p.torn() ? "torn: " : "problem: ") + p.path() + ": " + p.detail());
    }
    if (c.openActions().isEmpty()) {
      out.println("open actions none");
    } else {
      out.println("open actions " + c.openActions().size() + " (begun, never finished: a crash or still running)");
      for (CustodyEntry e : c.openActions()) {
        out.println("  #" + e.seq() + " " + e.timeUtc() + " " + e.event() + (e.notes() == null ? "" : ": " + e.notes()));
      }
    }
    if (!s.interruptedItems().isEmpty()) {
      out.println("unfinished   " + String.join(", ", s.interruptedItems()));
    }
  }
}
