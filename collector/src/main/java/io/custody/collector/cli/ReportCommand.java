package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.analyzer.report.CaseReport;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.workspace.Case;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody report --case CASE}: the case report (one offline HTML page and report.json), sealed with the case. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write the case report: one self-contained HTML page (summary, containment steps, acquisitions with hashes, findings, "
        + "a timeline chart, the custody log) and report.json, both added to the case as analysis items. Open the page with any browser."},
    footerHeading = "%nExample:%n", footer = "  custody report --case IR-2026-001")
final class ReportCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the files are written before they enter the case (default: the system's temp folder).")
  Path workDir;

  /** What {@code --json} prints. */
  record Written(@JsonProperty("html") String html, @JsonProperty("html_item") String htmlItem, @JsonProperty("json") String json,
      @JsonProperty("json_item") String jsonItem, @JsonProperty("findings") int findings, @JsonProperty("acquisitions") int acquisitions,
      @JsonProperty("custody_entries") int custodyEntries) {}

  @Override
  protected Output run() {
    Case c = kase.load();
    CaseReport.Result r = new CaseReport(Clock.systemUTC()).run(c, workDir);
    Written w = new Written(CaseReport.file(c, r.html()).toString(), r.html().id(), CaseReport.file(c, r.json()).toString(), r.json().id(),
        r.data().findings().size(), r.data().acquisitions().size(), r.data().log().size());
    return Output.ok(w, out -> {
      out.println("html        " + w.html() + " (" + w.htmlItem() + ", sha256 " + r.html().hashes().sha256() + ")");
      out.println("json        " + w.json() + " (" + w.jsonItem() + ", sha256 " + r.json().hashes().sha256() + ")");
      out.println("findings    " + w.findings() + ", acquisitions " + w.acquisitions() + ", custody entries " + w.custodyEntries());
    });
  }
}
