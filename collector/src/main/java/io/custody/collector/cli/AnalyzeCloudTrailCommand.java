package io.custody.collector.cli;

import io.custody.analyzer.cloudtrail.ActivitySummary;
import io.custody.analyzer.cloudtrail.CloudTrailAnalysis;
import io.custody.analyzer.cloudtrail.CloudTrailFinding;
import io.custody.analyzer.cloudtrail.CloudTrailReport;
import io.custody.analyzer.cloudtrail.InputFile;
import io.custody.analyzer.sigma.SigmaRules;
import io.custody.analyzer.sigma.SkippedRule;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.internal.Json;
import io.custody.evidence.internal.Printable;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code custody analyze cloudtrail}: compromise analysis of CloudTrail logs with built-in findings and SigmaHQ rules. */
@Command(name = "cloudtrail", mixinStandardHelpOptions = true,
    description = {"Per principal and access key activity, built-in compromise findings and SigmaHQ rules over CloudTrail logs: log items "
        + "of the case (--item: what custody acquire cloudtrail stored, read back and checked against its recorded SHA-256) and files "
        + "({\"Records\":[…]} as delivered to S3, .json or .json.gz, folders recursively, or LookupEvents output). Malformed files are "
        + "reported and skipped. The result is added to the case as cloudtrail-analysis.json."},
    footer = {"", "Exit codes: 0 no finding above low, 1 findings (medium or above) or a log item that no longer matches its record, "
        + "2 usage or a malformed log item."})
final class AnalyzeCloudTrailCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @Option(names = "--item", paramLabel = "ITEM", description = "A log item of the case (id or source id), e.g. from custody acquire cloudtrail; "
      + "repeatable.")
  List<String> itemRefs = new ArrayList<>();

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "CloudTrail files or folders.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME", converter = Times.class, description = "Only events at or after this time (RFC 3339 or a date, UTC).")
  Instant since;

  @Option(names = "--access-key", paramLabel = "ID", description = "Only events made with this access key, or creating/changing it.")
  String accessKey;

  @Option(names = "--sigma", paramLabel = "DIR", description = "SigmaHQ rules to use instead of the bundled AWS CloudTrail rules.")
  Path sigma;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the output is written before it enters the case (default: the system's temp folder).")
  Path workDir;

  @Option(names = "--json", description = "Print the analysis (cloudtrail-analysis.json) on stdout.")
  boolean json;

  @Override
  public Integer call() {
    if (itemRefs.isEmpty() && paths.isEmpty()) {
      throw new InvalidInputException("Failed to analyse CloudTrail: give a log item of the case (--item) or files (PATH)");
    }
    Case kase = home.load(caseId);
    List<Item> items = new ArrayList<>();
    for (String ref : itemRefs) {
      items.add(kase.item(ref, ItemType.LOG));
    }
    SigmaRules rules = sigma == null ? SigmaRules.bundled() : SigmaRules.load(sigma);
    long total = items.stream().mapToLong(Item::size).sum();
    for (Path p : paths) {
      try {
        total += Files.isRegularFile(p) ? Files.size(p) : 0;
      } catch (java.io.IOException ignored) {
        // the reader reports it
      }
    }
    CloudTrailAnalysis.Result r;
    PrintWriter err = spec.commandLine().getErr();
    try (Progress bar = Progress.start("Reading CloudTrail", total > 0 ? total : -1)) {
      long[] done = {0};
      r = new CloudTrailAnalysis(Clock.systemUTC()).rules(rules).since(since).accessKey(accessKey).onFile(f -> {
        done[0] += Math.max(0, f.bytes());
        bar.progress(done[0], -1);
        if (f.problem() != null) {
          err.println("custody: skipped " + Printable.of(f.label()) + ": " + Printable.of(f.problem()));
          err.flush();
        }
      }).runInto(kase, items, paths, workDir);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writeString(r.report()));
    } else {
      render(r, out);
    }
    out.flush();
    return r.report().findings().stream().anyMatch(f -> List.of("critical", "high", "medium").contains(f.severity())) ? 1 : 0;
  }

  private static void render(CloudTrailAnalysis.Result r, PrintWriter out) {
    CloudTrailReport c = r.report();
    out.println("inputs      " + c.inputs().size() + " files, " + c.recordsRead() + " records, " + c.recordsAnalysed() + " analysed");
    for (InputFile f : c.problems()) {
      out.println("  skipped   " + Printable.of(f.label()) + ": " + Printable.of(f.problem()));
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
    out.println("added       " + r.item().id() + " " + r.item().dir() + "/" + r.item().name() + " sha256 " + r.item().hashes().sha256());
  }
}
