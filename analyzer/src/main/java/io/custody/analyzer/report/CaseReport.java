package io.custody.analyzer.report;

import io.custody.analyzer.AnalysisRun;
import io.custody.evidence.HostException;
import io.custody.evidence.Json;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Makes the case report: reads the case (custody log, items, every analysis output), renders one
 * self-contained HTML page and {@code report.json}, and adds both to the case as analysis items so
 * the bundle seals them. Recorded as an {@code analysed} intent and outcome.
 */
public final class CaseReport {

  private final Clock clock;

  public CaseReport(Clock clock) {
    this.clock = clock;
  }

  /** The report and the two items that hold it. */
  public record Result(ReportData data, Item html, Item json) {}

  /**
   * @param workDir where the files are written before they enter the case (null: the system's)
   */
  public Result run(Case kase, Path workDir) {
    try (AnalysisRun run = AnalysisRun.begin(kase, "case report of " + kase.id(),
        List.of(CustodyObject.source(kase.id(), "case")), workDir)) {
      try {
        ReportData data = CaseReader.read(kase, clock, run.intentSeq());
        Path html = Files.writeString(run.work().resolve("report.html"), HtmlReport.render(data), StandardCharsets.UTF_8);
        Path json = Files.write(run.work().resolve("report.json"), Json.write(data));
        Item h = run.add(html, kase.id(), "report");
        Item j = run.add(json, kase.id(), "report");
        run.succeed(data.findings().size() + " findings, " + data.acquisitions().size() + " acquisitions, " + data.log().size() + " custody entries");
        return new Result(data, h, j);
      } catch (IOException e) {
        run.fail(e.getMessage());
        throw new HostException("Failed to write the report of case '" + kase.id() + "': " + e.getMessage(), e);
      } catch (RuntimeException e) {
        run.fail(e.getMessage());
        throw e;
      }
    }
  }

  /** Where an item's single stored file is. */
  public static Path file(Case kase, Item item) {
    return kase.dir().resolve(item.dir()).resolve(item.segments().get(0).file());
  }
}
