package io.custody.collector.cli;

import io.custody.analyzer.disk.DiskAnalysis;
import io.custody.analyzer.disk.DiskFinding;
import io.custody.analyzer.disk.DiskReport;
import io.custody.analyzer.disk.FileSystemReport;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.internal.Json;
import io.custody.evidence.internal.Printable;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code custody analyze disk}: timeline and persistence findings of a disk item. */
@Command(name = "disk", mixinStandardHelpOptions = true,
    description = {"Timeline (TSK bodyfile per file system, mactime CSV) and persistence/compromise findings of a disk item.",
        "The stored image is verified against its recorded SHA-256 first; a compressed image is decompressed to a temporary sparse file "
            + "outside the case and deleted afterwards. Outputs are added to the case as analysis items."},
    footer = {"", "Exit codes: 0 no finding above low, 1 findings (medium or above), 2 usage, 5 host (TSK missing), 1 also when the image fails verification."})
final class AnalyzeDiskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @Option(names = "--item", required = true, paramLabel = "ITEM_ID", description = "The disk item (its id or source id).")
  String item;

  @Option(names = "--since", paramLabel = "TIME", converter = Times.class, description = "Start of the incident window (RFC 3339 or a date, UTC).")
  Instant since;

  @Option(names = "--until", paramLabel = "TIME", converter = Times.class, description = "End of the incident window.")
  Instant until;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the temporary image and outputs go (default: the system's temp folder; never inside the case).")
  Path workDir;

  @Option(names = "--json", description = "Print the analysis (disk-findings.json) on stdout.")
  boolean json;

  @Override
  public Integer call() {
    if (since != null && until != null && until.isBefore(since)) {
      throw new InvalidInputException("Failed to use the incident window: --until is before --since");
    }
    Case kase = home.load(caseId);
    Item disk = kase.item(item, io.custody.evidence.workspace.ItemType.DISK);
    DiskAnalysis.Result r;
    try (Progress bar = Progress.start("Verifying " + disk.id(), disk.size())) {
      r = new DiskAnalysis(Clock.systemUTC()).since(since).until(until).workDir(workDir).progress(bar).run(kase, disk.id());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writeString(r.report()));
    } else {
      render(r, out);
    }
    out.flush();
    return r.report().findings().stream().anyMatch(f -> rank(f.severity()) <= 2) ? 1 : 0;
  }

  private static int rank(String s) {
    return java.util.List.of("critical", "high", "medium", "low", "info").indexOf(s);
  }

  private static void render(DiskAnalysis.Result r, PrintWriter out) {
    DiskReport d = r.report();
    out.println("item        " + d.item() + " (" + d.sourceId() + "), sha256 " + d.sha256() + " verified");
    for (FileSystemReport fs : d.filesystems()) {
      out.printf("filesystem  %-8s %-6s %-7s start %d%s%s%n", fs.label(), fs.type() == null ? "-" : fs.type(), fs.method(), fs.startSector(),
          fs.entries() > 0 ? ", " + fs.entries() + " entries" : "", fs.note() == null ? "" : " (" + fs.note() + ")");
    }
    out.println("timeline    " + d.timelineRows() + " rows");
    out.println("findings    " + d.findings().size());
    for (DiskFinding f : d.findings()) {
      // Names and contents come from evidence: printed with control characters escaped.
      out.printf("  %-8s %-34s %s:%s%n           %s%s%n", f.severity(), f.ruleId(), f.filesystem(), Printable.of(f.path()), Printable.of(f.reason()),
          f.excerpt() == null ? "" : "\n           > " + Printable.of(f.excerpt()));
    }
    d.notes().forEach(n -> out.println("note        " + Printable.of(n)));
    for (Item i : r.outputs()) {
      out.println("added       " + i.id() + " " + i.dir() + "/" + i.name() + " sha256 " + i.hashes().sha256());
    }
  }
}
