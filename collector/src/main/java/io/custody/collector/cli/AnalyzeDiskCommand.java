package io.custody.collector.cli;

import io.custody.analyzer.disk.DiskAnalysis;
import io.custody.analyzer.disk.DiskFinding;
import io.custody.analyzer.disk.DiskReport;
import io.custody.analyzer.disk.FileSystemReport;
import io.custody.evidence.ExitCode;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody analyze disk}: timeline and persistence findings of a disk item. */
@Command(name = "disk", mixinStandardHelpOptions = true,
    description = {"Timeline (TSK bodyfile per file system, mactime CSV with the host's log events) and persistence/compromise findings of "
        + "a disk item: logins from wtmp/btmp/lastlog and auth.log/secure, SSH keys tied to the logins that used them, logins from "
        + "addresses the case's CloudTrail analyses show or from outside --known-cidr.",
        "The stored image is verified against its recorded SHA-256 first; a compressed image is decompressed to a temporary sparse file "
            + "outside the case and deleted afterwards. Outputs are added to the case as analysis items.",
        "Exit 1 when a finding is medium or above, or when the image fails verification; 5 when The Sleuth Kit is missing."},
    footerHeading = "%nExample:%n", footer = "  custody analyze disk --case IR-2026-001 --item item-047 --since 2026-11-20")
final class AnalyzeDiskCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--item", required = true, paramLabel = "ITEM_ID", description = "The disk item (its id or source id).")
  String item;

  @Option(names = "--since", paramLabel = "TIME", converter = Times.Point.class, description = "Start of the incident window: " + Times.ACCEPTED + ".")
  Instant since;

  @Option(names = "--until", paramLabel = "TIME", converter = Times.Point.class, description = "End of the incident window (same forms).")
  Instant until;

  @Option(names = "--known-cidr", paramLabel = "CIDR", split = ",",
      description = "Networks logins are expected from (repeatable or comma-separated, e.g. 10.0.0.0/8): a login from outside them is a finding.")
  List<String> knownCidrs = new ArrayList<>();

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the temporary image and outputs go (default: the system's temp folder; never inside the case).")
  Path workDir;

  @Override
  protected Output run() {
    if (since != null && until != null && until.isBefore(since)) {
      throw new InvalidInputException("Failed to use the incident window: --until is before --since");
    }
    Case c = kase.load();
    Item disk = c.item(item, ItemType.DISK);
    DiskAnalysis.Result r;
    try (TerminalProgress bar = TerminalProgress.start("Verifying " + disk.id(), disk.size())) {
      r = new DiskAnalysis(Clock.systemUTC()).since(since).until(until).workDir(workDir)
          .knownNetworks(knownCidrs.stream().map(io.custody.evidence.ids.Cidr::new).toList()).progress(bar).run(c, disk.id());
    }
    boolean findings = r.report().findings().stream().anyMatch(f -> f.severity().actionable());
    return new Output(r.report(), out -> render(r, out), findings ? ExitCode.FINDINGS : ExitCode.OK);
  }

  private static void render(DiskAnalysis.Result r, PrintWriter out) {
    DiskReport d = r.report();
    out.println("item        " + d.item() + " (" + d.sourceId() + "), sha256 " + d.sha256() + " verified");
    for (FileSystemReport fs : d.filesystems()) {
      out.printf("filesystem  %-8s %-6s %-7s start %d%s%s%n", fs.label(), fs.type() == null ? "-" : fs.type(), fs.method(), fs.startSector(),
          fs.entries() > 0 ? ", " + fs.entries() + " entries" : "", fs.note() == null ? "" : " (" + fs.note() + ")");
    }
    out.println("timeline    " + d.timelineRows() + " rows");
    out.println("events      " + d.events().size() + " from the host's login records and authentication logs");
    out.println("findings    " + d.findings().size());
    for (DiskFinding f : d.findings()) {
      // Names and contents come from evidence: printed with control characters escaped.
      out.printf("  %-8s %-34s %s:%s%n           %s%s%n", f.severity(), f.ruleId(), f.filesystem(), Printable.of(f.path()), Printable.of(f.reason()),
          f.excerpt() == null ? "" : "\n           > " + Printable.of(f.excerpt()));
    }
    d.notes().forEach(n -> out.println("note        " + Printable.of(n)));
    r.outputs().forEach(i -> Texts.added(i, out));
  }
}
