package io.custody.collector.cli;

import io.custody.collector.acquire.ItemExport;
import io.custody.evidence.ByteSize;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody export --case C --item I --format raw|e01 --out PATH}. */
@Command(name = "export", description = {"Write a disk or memory item where other forensic tools read it: raw (dd) or E01 (libewf, EnCase 6 "
    + "format, the case id, examiner, item and recorded hashes in its header). The export stands only when its SHA-256 is the one "
    + "recorded at acquisition and, for E01, when ewfverify finds libewf's stored MD5 and SHA-1 equal to those computed over the data "
    + "and to Custody's; otherwise nothing is left at the target (exit 1). Recorded in the custody log as a transferred event with "
    + "each output file's SHA-256. Never overwrites."},
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n",
    footer = "  custody export --case IR-2026-001 --item item-003 --format e01 --out /exports/IR-2026-001-web-1")
final class ExportCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--item", required = true, paramLabel = "ITEM", description = "Item id or source id (vol-…, i-…).")
  String itemRef;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "raw or e01.")
  String format;

  @Option(names = "--out", required = true, paramLabel = "PATH",
      description = "The raw file, or the E01 target (.E01, .E02 … appended unless it ends in .E01); outside the case.")
  Path out;

  @Option(names = "--segment-size", paramLabel = "BYTES", description = "E01 segment file size, e.g. 2G (default: libewf's 1.4 GiB).")
  String segmentSize;

  @Override
  protected Output run() {
    Case c = kase.load();
    Item item = c.item(itemRef, null);
    ItemExport.Format f = ItemExport.Format.parse(format);
    long seg = segmentSize == null ? 0 : ByteSize.parse(segmentSize);
    ItemExport.Result r;
    try (TerminalProgress bar = TerminalProgress.start("Exporting " + item.id(), item.size())) {
      r = ItemExport.export(c, item, f, out, seg, bar);
    }
    return Output.ok(r, o -> {
      r.files().forEach(x -> o.println("wrote       " + x.path() + "  " + x.size() + " bytes, sha256 " + x.sha256()));
      o.println("media       sha256 " + r.sha256());
      o.println("            md5    " + r.md5());
      o.println("            sha1   " + r.sha1());
      o.println("verified    " + r.verifiedBy());
      o.println("custody     transferred, entry " + r.custodySeq() + " (intent)");
    });
  }
}
