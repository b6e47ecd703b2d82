package io.custody.collector.cli;

import io.custody.analyzer.memory.MemoryAnalysis;
import io.custody.analyzer.memory.MemoryReport;
import io.custody.evidence.ByteSize;
import io.custody.evidence.internal.Json;
import io.custody.evidence.workspace.Case;
import io.custody.lime.LimeFinding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody analyze memory}: LiME table, kernel banners, strings, YARA of a memory item. */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Analyse a memory item: LiME range table and totals, kernel banners, process- and network-looking strings,",
        "YARA matches (Debian yara) with offsets mapped to physical addresses. The report goes into the case.",
        "Exit 1 when YARA matched or the LiME file has structural problems."})
final class AnalyzeMemoryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @Option(names = "--item", required = true, paramLabel = "ITEM_ID", description = "The memory item (its id, or the instance id it came from).")
  String item;

  @Option(names = "--yara", paramLabel = "DIR", description = "A folder of YARA rules (.yar, .yara) to run over the image.")
  Path yara;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Case kase = home.load(caseId);
    MemoryReport r;
    try (Progress bar = Progress.start("Analysing " + item, -1)) {
      r = MemoryAnalysis.analyze(kase, item, yara, bar);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writeString(r));
    } else {
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
    out.flush();
    return r.hasFindings() ? 1 : 0;
  }

  private static void section(PrintWriter out, String name, List<MemoryReport.Found> list, int limit) {
    out.printf("%-11s %d distinct%s%n", name, list.size(), list.size() > limit ? " (first " + limit + ")" : "");
    list.stream().limit(limit).forEach(f -> out.println("  " + f.count() + "x  " + (f.physicalAddress() == null ? "" : f.physicalAddress() + "  ")
        + (f.text().length() > 160 ? f.text().substring(0, 160) + "..." : f.text())));
  }
}
