package io.custody.collector.cli;

import io.custody.analyzer.memory.MemoryAnalysis;
import io.custody.analyzer.memory.MemoryReport;
import io.custody.evidence.ByteSize;
import io.custody.evidence.ExitCode;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import io.custody.lime.LimeFinding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody analyze memory}: LiME table, kernel banners, strings, YARA of a memory item. */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Analyse a memory item: LiME range table and totals, kernel banners, process- and network-looking strings,",
        "YARA matches (Debian yara) with offsets mapped to physical addresses. The report goes into the case.",
        "Exit 1 when YARA matched or the LiME file has structural problems."},
    footerHeading = "%nExample:%n", footer = "  custody analyze memory --case IR-2026-001 --item item-001 --yara rules/")
final class AnalyzeMemoryCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--item", required = true, paramLabel = "ITEM_ID", description = "The memory item (its id, or the instance id it came from).")
  String item;

  @Option(names = "--yara", paramLabel = "DIR", description = "A folder of YARA rules (.yar, .yara) to run over the image.")
  Path yara;

  @Override
  protected Output run() {
    Case c = kase.load();
    MemoryReport r;
    try (TerminalProgress bar = TerminalProgress.start("Analysing " + item, -1)) {
      r = MemoryAnalysis.analyze(c, item, yara, bar);
    }
    return new Output(r, out -> render(r, out), r.hasFindings() ? ExitCode.FINDINGS : ExitCode.OK);
  }

  private static void render(MemoryReport r, PrintWriter out) {
    out.println("item        " + r.itemId() + " (" + r.sourceId() + "), sha256 " + r.sha256() + " (verified)");
    out.println("report      " + r.analysisItem());
    out.printf("lime        %d ranges, %s of RAM%n", r.layout().rangeCount(), ByteSize.format(r.layout().presentBytes()));
    r.layout().ranges().forEach(x -> out.printf("  0x%x-0x%x  %s%n", x.range().start(), x.range().end(), ByteSize.format(x.declared())));
    r.layout().findings().forEach((LimeFinding f) -> out.println("  " + f));
    section(out, "banners", r.banners(), 10);
    section(out, "network", r.network(), 20);
    section(out, "processes", r.processes(), 20);
    if (r.yara() != null) {
      out.println("yara        " + r.yara().size() + " rules matched (" + String.join(", ", r.yaraRules()) + ")");
      for (MemoryReport.YaraMatch m : r.yara()) {
        out.println("  " + m.rule());
        m.strings().stream().limit(10).forEach(s -> out.println("    " + s.id() + " at file offset " + s.fileOffset()
            + (s.physicalAddress() == null ? "" : ", physical " + s.physicalAddress()) + ": " + s.data()));
      }
    }
  }

  private static void section(PrintWriter out, String name, List<MemoryReport.Found> list, int limit) {
    out.printf("%-11s %d distinct%s%n", name, list.size(), list.size() > limit ? " (first " + limit + ")" : "");
    list.stream().limit(limit).forEach(f -> out.println("  " + f.count() + "x  " + (f.physicalAddress() == null ? "" : f.physicalAddress() + "  ")
        + (f.text().length() > 160 ? f.text().substring(0, 160) + "..." : f.text())));
  }
}
