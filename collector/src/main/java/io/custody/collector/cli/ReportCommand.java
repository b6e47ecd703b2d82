package io.custody.collector.cli;

import io.custody.analyzer.report.CaseReport;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code custody report}: the case report (one offline HTML page and report.json), sealed with the case. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write the case report: one self-contained HTML page (summary, containment steps, acquisitions with hashes, findings, "
        + "a timeline chart, the custody log) and report.json, both added to the case as analysis items."})
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @Option(names = "--open", description = "Open the HTML page with xdg-open afterwards (when there is one).")
  boolean open;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the files are written before they enter the case.")
  Path workDir;

  @Override
  public Integer call() {
    Case kase = home.load(caseId);
    CaseReport.Result r = new CaseReport(Clock.systemUTC()).run(kase, workDir);
    Path html = CaseReport.file(kase, r.html());
    PrintWriter out = spec.commandLine().getOut();
    out.println("html        " + html + " (" + r.html().id() + ", sha256 " + r.html().hashes().sha256() + ")");
    out.println("json        " + CaseReport.file(kase, r.json()) + " (" + r.json().id() + ", sha256 " + r.json().hashes().sha256() + ")");
    out.println("findings    " + r.data().findings().size() + ", acquisitions " + r.data().acquisitions().size() + ", custody entries " + r.data().log().size());
    out.flush();
    if (open) {
      try {
        new ProcessBuilder("xdg-open", html.toString()).inheritIO().start();
      } catch (java.io.IOException e) {
        spec.commandLine().getErr().println("custody: cannot open a browser (" + e.getMessage() + "); open " + html + " yourself");
      }
    }
    return 0;
  }
}
