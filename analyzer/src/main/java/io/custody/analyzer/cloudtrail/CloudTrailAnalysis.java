package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.analyzer.AnalysisRun;
import io.custody.analyzer.sigma.SigmaEngine;
import io.custody.analyzer.sigma.SigmaRule;
import io.custody.analyzer.sigma.SigmaRules;
import io.custody.evidence.HostException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.Severity;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Analyses CloudTrail files, on disk or in log items of a case: per principal and access key
 * summaries, the built-in compromise findings and the Sigma rules, in one streaming pass with
 * bounded memory. No AWS calls.
 *
 * <p>Defaults: every record; the bundled Sigma rules. {@link #since} and {@link #accessKey} narrow
 * the records analysed (every record is still read and hashed).
 */
public final class CloudTrailAnalysis {

  static final int MAX_PRINCIPALS = 10_000;

  private final Clock clock;
  private SigmaRules rules = null;
  private Instant since;
  private String accessKey;
  private boolean everyDetail;
  private ProgressListener progress = ProgressListener.NONE;
  private Consumer<String> say = m -> { };

  public CloudTrailAnalysis(Clock clock) {
    this.clock = clock;
  }

  public CloudTrailAnalysis rules(SigmaRules r) {
    this.rules = r;
    return this;
  }

  /** Only records at or after this time. */
  public CloudTrailAnalysis since(Instant t) {
    this.since = t;
    return this;
  }

  /** Only records made with this access key, or about it (created, updated, deleted). */
  public CloudTrailAnalysis accessKey(String id) {
    this.accessKey = id;
    return this;
  }

  /**
   * Reads every record whole, details included, even of calls nothing reads them for:
   * slower, the same report (the reference the skipping is tested against).
   */
  CloudTrailAnalysis everyDetail() {
    this.everyDetail = true;
    return this;
  }

  /** Told the bytes of input read so far, after each file. */
  public CloudTrailAnalysis progress(ProgressListener p) {
    this.progress = p;
    return this;
  }

  /** Told, for the examiner, of each input file that is skipped and why (printable: the names come from evidence). */
  public CloudTrailAnalysis say(Consumer<String> messages) {
    this.say = messages;
    return this;
  }

  /** The outcome of a run recorded in a case: the report and the item that holds it. */
  public record Result(CloudTrailReport report, Item item) {}

  /** As {@link #runInto(Case, List, List, Path)} with files and folders only. */
  public Result runInto(Case kase, List<Path> paths, Path workDir) {
    return runInto(kase, List.of(), paths, workDir);
  }

  /**
   * Runs over log items of the case (read back from their stored files and checked against their
   * recorded SHA-256) and over files and folders on disk, and adds {@code cloudtrail-analysis.json} to
   * the case as an analysis item, between an {@code analysed} intent (naming the inputs: the items
   * with their hashes, the paths) and its outcome.
   *
   * @param items log items of {@code kase}: archives from {@code custody acquire cloudtrail} or single CloudTrail files
   * @param workDir where the output is written before it enters the case (null: the system's)
   * @throws io.custody.evidence.IntegrityException when an item no longer matches its record (nothing is added)
   */
  public Result runInto(Case kase, List<Item> items, List<Path> paths, Path workDir) {
    items.forEach(LogItems::require);
    List<CustodyObject> inputs = new ArrayList<>();
    for (Item i : items) {
      inputs.add(new CustodyObject(i.id(), i.dir() + "/" + i.name(), i.sourceId(), "cloudtrail-input", i.size(), i.hashes().sha256()));
    }
    for (Path p : paths.subList(0, Math.min(paths.size(), 100))) {
      inputs.add(CustodyObject.source("file:" + p.toAbsolutePath().normalize(), "cloudtrail-input"));
    }
    List<String> named = new ArrayList<>();
    items.forEach(i -> named.add(i.id() + " (" + i.sourceId() + ")"));
    if (!paths.isEmpty()) {
      named.add(paths.size() + " path(s)");
    }
    String what = "cloudtrail analysis of " + String.join(", ", named) + (since == null ? "" : " since " + since)
        + (accessKey == null ? "" : " for access key " + accessKey);
    List<String> origin = new ArrayList<>();
    items.forEach(i -> origin.add(i.id()));
    paths.stream().map(Path::toString).limit(20).forEach(origin::add);
    try (AnalysisRun run = AnalysisRun.begin(kase, what, inputs, workDir)) {
      try {
        CloudTrailReport report = run(kase, items, paths);
        Path out = run.work().resolve("cloudtrail-analysis.json");
        Files.write(out, Json.write(report));
        Item item = run.add(out, "cloudtrail", "analysis:" + String.join(" ", origin));
        run.succeed(report.inputs().size() + " files (" + report.damaged().size() + " damaged, " + (report.problems().size() - report.damaged().size())
            + " skipped), " + report.recordsRead() + " records, "
            + report.findings().size() + " findings; every input file's SHA-256 is in the item"
            + (items.isEmpty() ? "" : "; the log items matched their recorded SHA-256"));
        return new Result(report, item);
      } catch (IOException e) {
        run.fail(e.getMessage());
        throw new HostException("Failed to write the CloudTrail analysis: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        run.fail(e.getMessage());
        throw e;
      }
    }
  }

  /** Runs over the files and folders given (folders recursively). */
  public CloudTrailReport run(List<Path> paths) {
    return run(null, List.of(), paths);
  }

  /**
   * Runs over log items of the case, then files and folders on disk (folders recursively).
   *
   * @throws io.custody.evidence.IntegrityException when an item no longer matches its record
   */
  public CloudTrailReport run(Case kase, List<Item> items, List<Path> paths) {
    SigmaRules sigma = rules == null ? SigmaRules.bundled() : rules;
    SigmaEngine engine = new SigmaEngine(sigma.loaded());
    Set<String> keep = null;
    var heads = engine.fieldHeads();
    if (heads.isPresent()) {
      keep = new HashSet<>(Rec.KEYS);
      keep.addAll(heads.get());
    }
    Pass pass = new Pass(engine, since == null ? null : DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(ChronoUnit.SECONDS)), accessKey);
    CloudTrailReader reader = new CloudTrailReader(keep, details(engine, keep));
    List<InputFile> inputs = new ArrayList<>();
    List<Path> files = CloudTrailReader.expand(paths);
    long total = items.stream().mapToLong(Item::size).sum() + files.stream().mapToLong(f -> f.toFile().length()).sum();
    long[] read = {0};
    Consumer<InputFile> done = in -> {
      inputs.add(in);
      read[0] += Math.max(0, in.bytes());
      progress.progress(read[0], total);
      if (in.damaged()) {
        say.accept("damaged input " + Printable.of(in.label()) + ": " + Printable.of(in.problem()));
      } else if (in.skipped() != null) {
        say.accept("skipped " + Printable.of(in.label()) + ": " + Printable.of(in.skipped()));
      }
    };
    for (Item item : items) {
      LogItems.read(kase, item, reader, pass::accept, done);
    }
    for (Path f : files) {
      done.accept(reader.read(f, pass::accept));
    }
    pass.correlations.finish(pass.findings);
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    return new CloudTrailReport(CloudTrailReport.KIND, ToolVersion.tool(), now,
        new CloudTrailReport.Filters(pass.since, accessKey), inputs, pass.read, pass.analysed,
        new CloudTrailReport.Sigma(sigma.source(), sigma.loaded().size(), sigma.skipped()),
        pass.findings.findings(), pass.findings.dropped(), summaries(pass.principals, false), summaries(pass.keys, true), pass.trackersDropped);
  }

  /**
   * Which records' details (error message, request, response, additional data) are read: those of
   * the calls a built-in rule, a correlation or a resource-creation summary is about, and of the
   * event names a Sigma rule that reads them could match. Null (every record's) when the run is
   * narrowed to an access key (its id may be in any request or response) or a rule searches the
   * whole event.
   */
  private CloudTrailReader.Details details(SigmaEngine engine, Set<String> keep) {
    if (keep == null || accessKey != null || everyDetail) {
      return null;
    }
    var sigma = engine.namesReading(CloudTrailReader.DETAIL_KEYS);
    if (sigma.isEmpty()) {
      return null;
    }
    Calls calls = BuiltinRules.ON.or(Correlations.READS).or(Tracker.CREATES);
    var names = sigma.get();
    return (source, name) -> calls.test(source, name) || names.test(name);
  }

  private static List<ActivitySummary> summaries(Map<String, Tracker> m, boolean keys) {
    List<ActivitySummary> out = new ArrayList<>();
    m.values().forEach(t -> out.add(t.summary(keys)));
    out.sort(Comparator.comparingLong(ActivitySummary::events).reversed().thenComparing(ActivitySummary::key));
    return out;
  }

  /** The state of one run. */
  private static final class Pass {
    final SigmaEngine engine;
    final String since;
    final long sinceEpoch;
    final String accessKey;
    final FindingCollector findings = new FindingCollector();
    final Correlations correlations = new Correlations();
    final Map<String, Tracker> principals = new LinkedHashMap<>();
    final Map<String, Tracker> keys = new LinkedHashMap<>();
    final Map<SigmaRule, CloudTrailFinding.SigmaRef> refs = new IdentityHashMap<>();
    final Map<SigmaRule, String> ruleKeys = new IdentityHashMap<>();
    long read;
    long analysed;
    long trackersDropped;
    Rec current;

    Pass(SigmaEngine engine, String since, String accessKey) {
      this.engine = engine;
      this.since = since;
      this.sinceEpoch = since == null ? Long.MIN_VALUE : Rec.strictEpochSecond(since);
      this.accessKey = accessKey;
    }

    void accept(ObjectNode node) {
      read++;
      Rec e = new Rec(node);
      if (since != null && e.epoch() < sinceEpoch) {
        return;
      }
      if (accessKey != null && !aboutKey(e)) {
        return;
      }
      analysed++;
      track(principals, e.principal, e.identityType, e, e.accessKey);
      if (e.accessKey != null) {
        track(keys, e.accessKey, "AccessKey", e, e.principal);
      }
      if (BuiltinRules.ON.test(e.source, e.name)) {
        for (BuiltinRules.EventRule r : BuiltinRules.RULES) {
          if (r.flags(e)) {
            findings.add(r.id(), "builtin", r.title(), r.severity().apply(e), () -> r.reason().apply(e), null, e);
            correlations.flagged(r.id(), e);
          }
        }
      }
      correlations.accept(e);
      current = e;
      engine.match(node, this::sigmaHit);
    }

    private void sigmaHit(SigmaRule rule) {
      CloudTrailFinding.SigmaRef ref = refs.computeIfAbsent(rule, r -> new CloudTrailFinding.SigmaRef(r.file(), r.id(), r.level(), r.author(), r.tags()));
      Rec e = current;
      findings.add(ruleKeys.computeIfAbsent(rule, r -> "sigma:" + r.id()), "sigma", rule.title(), Severity.of(rule.level()), () -> "Sigma rule " + rule.file()
          + (rule.author() == null ? "" : " (by " + rule.author() + ")") + " matched " + e.name, ref, e);
    }

    private boolean aboutKey(Rec e) {
      return accessKey.equals(e.accessKey) || accessKey.equals(e.at("requestParameters.accessKeyId"))
          || accessKey.equals(e.at("responseElements.accessKey.accessKeyId"));
    }

    private void track(Map<String, Tracker> m, String key, String type, Rec e, String related) {
      Tracker t = m.get(key);
      if (t == null) {
        if (m.size() >= MAX_PRINCIPALS) {
          trackersDropped++;
          return;
        }
        t = new Tracker(key, type);
        m.put(key, t);
      }
      t.accept(e, related);
    }
  }
}
