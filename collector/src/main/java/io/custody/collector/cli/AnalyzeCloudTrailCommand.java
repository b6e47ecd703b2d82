package io.custody.collector.cli;

import io.custody.analyzer.cloudtrail.ActivitySummary;
import io.custody.analyzer.cloudtrail.CloudTrailAnalysis;
import io.custody.analyzer.cloudtrail.CloudTrailFinding;
import io.custody.analyzer.cloudtrail.CloudTrailReport;
import io.custody.analyzer.cloudtrail.InputFile;
import io.custody.analyzer.sigma.SigmaRules;
import io.custody.analyzer.sigma.SkippedRule;
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
import picocli.CommandLine.Parameters;

/** {@code custody analyze cloudtrail}: compromise analysis of CloudTrail logs with built-in findings and SigmaHQ rules. */
@Command(name = "cloudtrail", mixinStandardHelpOptions = true,
    description = {"Per principal and access key activity, built-in compromise findings and SigmaHQ rules over CloudTrail logs: log items "
        + "of the case (--item: what custody acquire cloudtrail stored, read back and checked against its recorded SHA-256) and files "
        + "({\"Records\":[…]} as delivered to S3, .json or .json.gz, folders recursively, or LookupEvents output; symbolic links inside "
        + "a folder are reported, never followed). Damaged input (malformed or concatenated JSON, gzip CRC, length or trailing data, "
        + "repeated keys, records without a valid eventTime) is reported per file with byte offsets and what can safely be read is "
        + "analysed. The result is added to the case as cloudtrail-analysis.json. Exit 4 when any input was damaged, else 1 when a "
        + "finding is medium or above, or a log item no longer matches its record."},
    footerHeading = "%nExample:%n", footer = "  custody analyze cloudtrail --case IR-2026-001 --item item-046 --since 2026-11-20")
final class AnalyzeCloudTrailCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Option(names = "--item", paramLabel = "ITEM", description = "A log item of the case (id or source id), e.g. from custody acquire cloudtrail; "
      + "repeatable.")
  List<String> itemRefs = new ArrayList<>();

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "CloudTrail files or folders.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME", converter = Times.Point.class, description = "Only events at or after this time: " + Times.ACCEPTED + ".")
  Instant since;

  @Option(names = "--access-key", paramLabel = "ID", description = "Only events made with this access key, or creating/changing it.")
  String accessKey;

  @Option(names = "--sigma", paramLabel = "DIR", description = "SigmaHQ rules to use instead of the bundled AWS CloudTrail rules.")
  Path sigma;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the output is written before it enters the case (default: the system's temp folder).")
  Path workDir;

  @Override
  protected Output run() {
    if (itemRefs.isEmpty() && paths.isEmpty()) {
      throw new InvalidInputException("Failed to analyse CloudTrail: give a log item of the case (--item) or files (PATH)");
    }
    Case c = kase.load();
    List<Item> items = new ArrayList<>();
    for (String ref : itemRefs) {
      items.add(c.item(ref, ItemType.LOG));
    }
    SigmaRules rules = sigma == null ? SigmaRules.bundled() : SigmaRules.load(sigma);
    CloudTrailAnalysis.Result r;
    try (TerminalProgress bar = TerminalProgress.start("Reading CloudTrail", -1)) {
      r = new CloudTrailAnalysis(Clock.systemUTC()).rules(rules).since(since).accessKey(accessKey).progress(bar)
          .say(m -> err().println("custody: " + m)).runInto(c, items, paths, workDir);
    }
    boolean findings = r.report().findings().stream().anyMatch(f -> f.severity().actionable());
    // Damaged input makes the analysis partial, whatever it found: the report lists both.
    ExitCode exit = !r.report().damaged().isEmpty() ? ExitCode.PARTIAL : findings ? ExitCode.FINDINGS : ExitCode.OK;
    return new Output(r.report(), out -> render(r, out), exit);
  }

  private static void render(CloudTrailAnalysis.Result r, PrintWriter out) {
    CloudTrailReport c = r.report();
    out.println("inputs      " + c.inputs().size() + " files, " + c.recordsRead() + " records, " + c.recordsAnalysed() + " analysed");
    for (InputFile f : c.problems()) {
      if (f.damaged()) {
        out.println("  damaged   " + Printable.of(f.label()) + ":");
        f.problems().forEach(p -> out.println("            " + Printable.of(p)));
      } else {
        out.println("  skipped   " + Printable.of(f.label()) + ": " + Printable.of(f.skipped()));
      }
    }
    if (!c.damaged().isEmpty()) {
      out.println("  " + c.damaged().size() + " damaged input file(s): the analysis is partial (exit 4)");
    }
    out.println("sigma       " + c.sigma().loaded() + " rules from " + c.sigma().source() + ", " + c.sigma().skipped().size() + " skipped");
    for (SkippedRule s : c.sigma().skipped()) {
      out.println("  skipped   " + Printable.of(s.file()) + ": " + Printable.of(s.reason()));
    }
    out.println("principals " + c.principals().size() + ", access keys " + c.accessKeys().size());
    for (ActivitySummary p : c.principals().subList(0, Math.min(10, c.principals().size()))) {
      // Everything here comes from the logs (attacker-controlled): printed with control characters escaped.
      out.printf("  %-70s %6d events  %s .. %s  regions %s  ips %s%n", Printable.of(p.key()), p.events(), Printable.of(String.valueOf(p.firstSeen())),
          Printable.of(String.valueOf(p.lastSeen())), Printable.of(p.regions().keySet().toString()),
          Printable.of(p.sourceIps().keySet().stream().limit(5).toList().toString()));
    }
    out.println("findings    " + c.findings().size());
    for (CloudTrailFinding f : c.findings()) {
      out.printf("  %-8s %-7s %-40s %s%n           %s%n           eventID %s%s%n", f.severity(), f.source(),
          Printable.of(f.ruleId().length() > 40 ? f.title() : f.ruleId()), Printable.of(f.principal()), Printable.of(f.reason()),
          Printable.of(String.join(", ", f.eventIds().subList(0, Math.min(3, f.eventIds().size())))),
          f.eventCount() > 3 ? " ... (" + f.eventCount() + ")" : "");
    }
    Texts.added(r.item(), out);
  }
}
