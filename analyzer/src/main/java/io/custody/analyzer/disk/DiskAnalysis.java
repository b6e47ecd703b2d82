package io.custody.analyzer.disk;

import io.custody.analyzer.AnalysisRun;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Severity;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.process.ProcessRunner;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Analyses a disk item of a case: verify and open the raw image, find its file systems, make a
 * bodyfile per file system (The Sleuth Kit on the raw image, deleted entries included; a read-only
 * mount walk for XFS, which TSK cannot read, when running as root), a mactime timeline, and the
 * persistence and compromise findings, and add them all to the case as analysis items.
 *
 * <p>Defaults: no incident window; work folder {@code java.io.tmpdir}.
 */
public final class DiskAnalysis {

  private final Clock clock;
  private Instant since;
  private Instant until;
  private Path workDir;
  private ProgressListener progress = ProgressListener.NONE;
  private List<io.custody.evidence.ids.Cidr> known = List.of();
  private HostLogins.Context context = HostLogins.Context.NONE;
  private final List<HostEvent> events = new ArrayList<>();
  private final List<SshKeys.Key> keys = new ArrayList<>();
  /** The run's scratch folder (copies of package databases), inside its work folder. */
  private Path work;

  public DiskAnalysis(Clock clock) {
    this.clock = clock;
  }

  public DiskAnalysis since(Instant t) {
    this.since = t;
    return this;
  }

  public DiskAnalysis until(Instant t) {
    this.until = t;
    return this;
  }

  /** Where the decompressed image and the outputs are made before they enter the case. */
  public DiskAnalysis workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** The analyst's known networks: a login from outside them is a finding. */
  public DiskAnalysis knownNetworks(List<io.custody.evidence.ids.Cidr> cidrs) {
    this.known = List.copyOf(cidrs);
    return this;
  }

  public DiskAnalysis progress(ProgressListener p) {
    this.progress = p;
    return this;
  }

  /** The outcome: the report and the items added to the case. */
  public record Result(DiskReport report, List<Item> outputs) {}

  /**
   * @param itemRef the disk item's id or source id
   * @throws InvalidInputException when there is no such disk item
   * @throws io.custody.evidence.IntegrityException when the stored image does not match its recorded hash
   */
  public Result run(Case kase, String itemRef) {
    Item item = kase.item(itemRef, ItemType.DISK);
    context = new HostLogins.Context(CaseAddresses.of(kase), known);
    String what = "disk analysis of " + item.id() + " (" + item.sourceId() + ")";
    try (AnalysisRun run = AnalysisRun.begin(kase, what, List.of(new CustodyObject(item.id(), item.dir(), item.sourceId(), "disk", item.size(),
        item.hashes().sha256())), workDir)) {
      try {
        DiskReport report;
        List<Path> files = new ArrayList<>();
        try (RawImage image = RawImage.open(kase, item, run.work(), progress)) {
          report = analyse(item, image, run, files);
        }
        for (Path f : files) {
          run.add(f, item.sourceId(), "analysis:" + item.id());
        }
        run.succeed(report.findings().size() + " findings, " + report.timelineRows() + " timeline rows");
        return new Result(report, run.outputs());
      } catch (RuntimeException e) {
        run.fail(e.getMessage());
        throw e;
      }
    }
  }

  private DiskReport analyse(Item item, RawImage image, AnalysisRun run, List<Path> outputs) {
    Tsk tsk = new Tsk(image.files());
    work = run.work().resolve("scratch");
    events.clear();
    keys.clear();
    List<String> notes = new ArrayList<>();
    List<Volumes.Candidate> candidates = Volumes.find(tsk, image, notes, run.work());
    long readable = candidates.stream().filter(c -> c.type() != null || c.xfs()).count();
    List<FileSystemReport> fsReports = new ArrayList<>();
    List<Path> bodyfiles = new ArrayList<>();
    List<DiskFinding> findings = new ArrayList<>();
    for (Volumes.Candidate c : candidates) {
      String prefix = readable <= 1 ? "/" : "/" + c.label() + "/";
      if (c.type() == null && !c.xfs()) {
        fsReports.add(report(c, "skipped", null, null, 0, c.note()));
        continue;
      }
      Path body = run.work().resolve("bodyfile-" + c.label() + ".txt");
      FsView view;
      if (c.type() != null) {
        Tsk t = c.files() == null ? tsk : new Tsk(c.files()); // an LVM volume of several segments: its assembled copy
        ProcessRunner.Result r = t.fls(c.start(), prefix, body);
        if (r.exit() != 0) {
          fsReports.add(report(c, "skipped", prefix, null, 0, "fls failed: " + r.err()));
          notes.add("file system " + c.label() + ": fls failed: " + r.err());
          continue;
        }
        view = new FsView(c.label(), parse(body, prefix), new TskContents(t, c.start()));
      } else {
        MountWalk.Walk m = MountWalk.walk(run.kase(), image, c, prefix, body, this::scan);
        if (m.note() != null) {
          notes.add("file system " + c.label() + ": " + m.note());
        }
        if (!m.walked()) {
          fsReports.add(report(c, "skipped", null, null, 0, m.note()));
          continue;
        }
        findings.addAll(m.findings());
        notes.addAll(m.notes());
        bodyfiles.add(body);
        outputs.add(body);
        fsReports.add(report(c, "mount", prefix, body.getFileName().toString(), lines(body), m.note()));
        continue;
      }
      scan(view);
      if (c.needsRecovery()) {
        findings.add(new DiskFinding("journal-needs-recovery", Severity.MEDIUM, c.label(), prefix, null, null, null, 0, 0, 0, null, null, null,
            null, null, null, "the " + c.type() + " journal holds transactions not yet applied to the file system (it was not cleanly "
            + "unmounted: a crash, a snapshot of a running instance, or tampering). Custody never replays a journal: the bodyfile, "
            + "timeline and findings show the file system without those transactions; `debugfs -R logdump` on a copy lists them."));
      }
      findings.addAll(view.findings());
      notes.addAll(view.notes());
      bodyfiles.add(body);
      outputs.add(body);
      fsReports.add(report(c, "tsk", prefix, body.getFileName().toString(), view.entries.size(), null));
    }
    long rows = 0;
    if (!bodyfiles.isEmpty()) {
      Path timeline = run.work().resolve("timeline.csv");
      try {
        rows = Mactime.write(bodyfiles, events, timeline);
      } catch (IOException e) {
        throw new HostException("Failed to write the timeline: " + e.getMessage(), e);
      }
      outputs.add(timeline);
    } else {
      notes.add("no file system could be read: no bodyfile or timeline");
    }
    findings.sort(Comparator.comparing(DiskFinding::severity).thenComparing(DiskFinding::filesystem).thenComparing(DiskFinding::path));
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    DiskReport report = new DiskReport(DiskReport.KIND, ToolVersion.tool(), now, item.id(), item.sourceId(), item.hashes().sha256(), item.size(),
        since == null && until == null ? null : new DiskReport.Window(since == null ? null : since.toString(), until == null ? null : until.toString()),
        fsReports, rows, findings, List.copyOf(events), counts(events), List.copyOf(keys), notes);
    if (!events.isEmpty()) {
      Path jsonl = run.work().resolve("host-events.jsonl");
      try (java.io.Writer w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
        com.fasterxml.jackson.databind.ObjectWriter one = Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        for (HostEvent e : events) {
          w.write(one.writeValueAsString(e));
          w.write('\n');
        }
      } catch (IOException e) {
        throw new HostException("Failed to write host-events.jsonl: " + e.getMessage(), e);
      }
      outputs.add(jsonl);
    }
    Path json = run.work().resolve("disk-findings.json");
    try {
      Files.write(json, Json.write(report));
    } catch (IOException e) {
      throw new HostException("Failed to write disk-findings.json: " + e.getMessage(), e);
    }
    outputs.add(json);
    return report;
  }

  private static java.util.Map<String, Long> counts(List<HostEvent> events) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    events.forEach(e -> out.merge(e.kind(), 1L, Long::sum));
    return out;
  }

  /** Runs every check on one file system. */
  void scan(FsView view) {
    PackageDb packages = PackageDb.load(view, work);
    view.packages(packages);
    if (!packages.sources().isEmpty()) {
      view.note("package databases read: " + String.join(", ", packages.sources()));
    }
    List<String> homes = AccountChecks.homes(view);
    StartupChecks.run(view, homes);
    AccountChecks.run(view);
    FileChecks.run(view, homes, since == null ? null : since.getEpochSecond(), until == null ? null : until.getEpochSecond());
    PackageChecks.run(view, packages);
    HostLogins.Result logins = HostLogins.run(view, context, work);
    events.addAll(logins.events());
    keys.addAll(logins.keys());
  }

  private static List<BodyfileEntry> parse(Path body, String prefix) {
    List<BodyfileEntry> out = new ArrayList<>();
    // one char a byte: a name that is not UTF-8 cannot stop the reading (BodyfileEntry makes names text)
    try (BufferedReader r = Files.newBufferedReader(body, StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = r.readLine()) != null) {
        BodyfileEntry e = BodyfileEntry.parse(line, prefix);
        if (e != null) {
          out.add(e);
        }
      }
    } catch (IOException e) {
      throw new HostException("Failed to read bodyfile '" + body + "': " + e.getMessage(), e);
    }
    return out;
  }

  private static long lines(Path p) {
    try (var s = Files.lines(p, StandardCharsets.ISO_8859_1)) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static FileSystemReport report(Volumes.Candidate c, String method, String prefix, String bodyfile, long entries, String note) {
    return new FileSystemReport(c.label(), c.start(), c.length(), c.sectorSize(), c.description(), c.type() != null ? c.type() : c.xfs() ? "xfs" : null,
        method, prefix, bodyfile, entries, note);
  }
}
