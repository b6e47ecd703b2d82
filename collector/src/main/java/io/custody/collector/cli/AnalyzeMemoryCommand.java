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

/** {@code custody analyze memory}: the kernel's view through Volatility 3, LiME table, banners, strings, YARA of a memory item. */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = {"Analyse a memory item: processes with parents, command lines and executables, open sockets with their",
        "processes, kernel modules (hidden ones too), injected code and bash history, read from the kernel's own",
        "structures by Volatility 3 with the symbol table the capture stored; LiME range table and totals, kernel",
        "banners, process- and network-looking strings, YARA matches (Debian yara) with offsets mapped to physical",
        "addresses. The report goes into the case. Exit 1 on findings (a process run from /tmp, a miner, a reverse",
        "shell, a hidden module, injected code, a connection to an address the case knows, YARA, LiME problems)."},
    footerHeading = "%nExample:%n", footer = "  custody analyze memory --case IR-2026-001 --item item-001 --yara rules/")
final class AnalyzeMemoryCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--item", required = true, paramLabel = "ITEM_ID", description = "The memory item (its id, or the instance id it came from).")
  String item;

  @Option(names = "--yara", paramLabel = "DIR", description = "A folder of YARA rules (.yar, .yara) to run over the image.")
  Path yara;

  @Option(names = "--symbols", paramLabel = "ITEM|FILE", description = {"The Volatility symbol table: a symbols item, or an ISF file made",
      "elsewhere (dwarf2json). Default: the symbols item the capture stored."})
  String symbols;

  @Option(names = "--no-volatility", description = "Do not run Volatility 3 (structure, strings and YARA only).")
  boolean noVolatility;

  @Option(names = "--plugin-timeout", paramLabel = "DURATION", defaultValue = "30m", converter = Times.Span.class,
      description = "The longest one Volatility plugin may run (default: ${DEFAULT-VALUE}).")
  java.time.Duration pluginTimeout;

  @Override
  protected Output run() {
    Case c = kase.load();
    MemoryReport r;
    MemoryAnalysis.KernelOptions k = noVolatility ? MemoryAnalysis.KernelOptions.OFF
        : new MemoryAnalysis.KernelOptions(true, symbols, pluginTimeout, m -> System.err.println("custody: " + m));
    try (TerminalProgress bar = TerminalProgress.start("Analysing " + item, -1)) {
      r = MemoryAnalysis.analyze(c, item, yara, k, bar);
    }
    return new Output(r, out -> render(r, out), r.hasFindings() ? ExitCode.FINDINGS : ExitCode.OK);
  }

  private static void render(MemoryReport r, PrintWriter out) {
    out.println("item        " + r.itemId() + " (" + r.sourceId() + "), sha256 " + r.sha256() + " (verified)");
    out.println("report      " + r.analysisItem());
    out.printf("lime        %d ranges, %s of RAM%n", r.layout().rangeCount(), ByteSize.format(r.layout().presentBytes()));
    r.layout().ranges().forEach(x -> out.printf("  0x%x-0x%x  %s%n", x.range().start(), x.range().end(), ByteSize.format(x.declared())));
    r.layout().findings().forEach((LimeFinding f) -> out.println("  " + f));
    kernel(r, out);
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

  private static void kernel(MemoryReport r, PrintWriter out) {
    io.custody.analyzer.memory.KernelView k = r.kernel();
    if (k == null) {
      return;
    }
    if (!k.ok()) {
      out.println("volatility  " + k.status() + ": " + k.reason());
      return;
    }
    out.println("volatility  " + k.volatility() + ", symbols " + k.symbolsItem() + (k.reason() == null ? "" : "; " + k.reason()));
    out.printf("processes   %d%n", k.processes().size());
    java.util.Map<Long, java.util.List<io.custody.analyzer.memory.KernelView.Proc>> children = new java.util.TreeMap<>();
    java.util.Set<Long> pids = new java.util.HashSet<>();
    k.processes().forEach(p -> pids.add(p.pid()));
    k.processes().forEach(p -> children.computeIfAbsent(pids.contains(p.ppid()) && p.ppid() != p.pid() ? p.ppid() : -1L,
        x -> new java.util.ArrayList<>()).add(p));
    tree(out, children, -1L, 1, new java.util.HashSet<>());
    out.printf("sockets     %d%n", k.sockets().size());
    k.sockets().stream().filter(s -> s.family() != null && s.family().startsWith("AF_INET")).limit(50).forEach(s -> out.printf(
        "  pid %-6d %-16s %-4s %s:%s -> %s:%s %s%n", s.pid(), s.process(), s.proto(), s.source(), s.sourcePort(), s.destination(),
        s.destinationPort(), s.state()));
    out.printf("modules     %d (%d hidden)%n", k.modules().size(), k.modules().stream().filter(m -> m.hidden()).count());
    k.modules().stream().filter(m -> m.hidden()).forEach(m -> out.println("  HIDDEN " + m.name() + " " + m.address()));
    out.printf("malfind     %d regions%n", k.malfind().size());
    out.printf("bash        %d commands%n", k.bash().size());
    k.bash().stream().limit(20).forEach(b -> out.println("  pid " + b.pid() + " " + b.time() + "  " + b.command()));
    if (!r.kernelFindings().isEmpty()) {
      out.println("findings    " + r.kernelFindings().size());
      r.kernelFindings().forEach(f -> out.println("  " + f.severity().label().toUpperCase(java.util.Locale.ROOT) + " " + f.ruleId() + "  " + f.reason()));
    }
  }

  private static void tree(PrintWriter out, java.util.Map<Long, java.util.List<io.custody.analyzer.memory.KernelView.Proc>> children, long parent,
      int depth, java.util.Set<Long> seen) {
    for (io.custody.analyzer.memory.KernelView.Proc p : children.getOrDefault(parent, java.util.List.of())) {
      if (p.kernelThread() && p.pid() != 2 || !seen.add(p.pid()) || depth > 64) {
        continue; // kernel threads: kthreadd stands for them
      }
      String args = p.args() == null ? "" : p.args().length() > 120 ? p.args().substring(0, 120) + "..." : p.args();
      out.printf("  %s%d %s uid=%s %s%s%n", "  ".repeat(depth - 1), p.pid(), p.comm(), p.uid(), args, p.exe() == null ? "" : "  [" + p.exe() + "]");
      tree(out, children, p.pid(), depth + 1, seen);
    }
  }

  private static void section(PrintWriter out, String name, List<MemoryReport.Found> list, int limit) {
    out.printf("%-11s %d distinct%s%n", name, list.size(), list.size() > limit ? " (first " + limit + ")" : "");
    list.stream().limit(limit).forEach(f -> out.println("  " + f.count() + "x  " + (f.physicalAddress() == null ? "" : f.physicalAddress() + "  ")
        + (f.text().length() > 160 ? f.text().substring(0, 160) + "..." : f.text())));
  }
}
