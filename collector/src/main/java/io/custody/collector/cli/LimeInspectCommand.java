package io.custody.collector.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.ExitCode;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.lime.LimeFinding;
import io.custody.lime.LimeInspection;
import io.custody.lime.LimeLayout;
import io.custody.lime.LimeRange;
import io.custody.lime.LimeReader;
import io.custody.lime.PhysRange;
import io.custody.lime.SystemRam;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody lime inspect FILE [--iomem FILE]}: a LiME file's ranges, totals and findings. */
@Command(name = "inspect", description = "Print a LiME file's ranges, totals and findings (exit 1 on any structural or completeness problem).",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody lime inspect memory.lime --iomem iomem.txt")
final class LimeInspectCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "The LiME file (read only).")
  Path file;

  @Option(names = "--iomem", paramLabel = "FILE", description = "A copy of the host's /proc/iomem: also check every System RAM range is captured whole.")
  Path iomem;

  @Option(names = "--avml", description = {"The file is AVML's (acquire memory --method avml): with --iomem, accept what AVML leaves out by design,",
      "blocks of 16 MiB it read as all zero and the partial pages at the ends of RAM ranges, and say how much."})
  boolean avml;

  @Override
  protected Output run() {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("Failed to inspect '" + file + "': not a readable file");
    }
    LimeInspection i;
    try {
      LimeLayout layout = LimeReader.read(file);
      List<PhysRange> ram = iomem == null ? null : SystemRam.read(iomem);
      i = avml ? LimeInspection.ofAvml(file.toString(), layout, ram) : LimeInspection.of(file.toString(), layout, ram);
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read '" + file + "': " + e.getMessage(), e);
    }
    return new Output(i, out -> render(i, out), i.clean() ? ExitCode.OK : ExitCode.FINDINGS);
  }

  static void render(LimeInspection i, PrintWriter out) {
    LimeLayout l = i.layout();
    out.println("file        " + i.file() + " (" + l.fileSize() + " bytes)");
    out.printf("ranges      %d: %d bytes of RAM declared (%s), %d present, %d zero pages%n", l.rangeCount(), l.declaredBytes(),
        ByteSize.format(l.declaredBytes()), l.presentBytes(), l.zeroPages());
    out.printf("  %3s  %-18s %-18s %12s  %-10s %10s %14s%n", "#", "start", "end", "size", "data", "zero pages", "header offset");
    int n = 1;
    for (LimeRange r : l.ranges()) {
      out.printf("  %3d  %-18s %-18s %12s  %-10s %10d %14d%n", n++, "0x" + Long.toHexString(r.range().start()), "0x" + Long.toHexString(r.range().end()),
          ByteSize.format(r.declared()), r.complete() ? "complete" : r.present() + " B", r.zeroPages(), r.headerOffset());
    }
    if (i.systemRam() != null) {
      out.println("system RAM  " + i.systemRam().size() + " ranges, " + i.systemRam().stream().mapToLong(p -> p.size()).sum() + " bytes");
    }
    if (i.avmlLeftOut() != null && !i.avmlLeftOut().describe().isEmpty()) {
      out.println("avml        " + i.avmlLeftOut().describe());
    }
    List<LimeFinding> f = i.findings();
    out.println("findings    " + (f.isEmpty() ? "none" : f.size()));
    f.forEach(x -> out.println("  " + x));
    boolean leftOut = i.avmlLeftOut() != null && !i.avmlLeftOut().describe().isEmpty();
    out.println(i.clean() ? "LIME OK" + (i.systemRam() == null ? " (structure only; --iomem checks completeness)"
        : leftOut ? " (complete as AVML writes it: see avml above)" : " (complete)") : "LIME PROBLEMS");
  }
}
