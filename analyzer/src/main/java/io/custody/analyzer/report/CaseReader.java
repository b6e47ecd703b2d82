package io.custody.analyzer.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.Severity;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.ChainProblem;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseInfo;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a case into {@link ReportData}: its info, custody log, items and every JSON analysis output
 * in it. Custody's own kinds (disk, CloudTrail) are read by their known fields; any other JSON (a
 * memory analysis, a future tool) is read generically: its top-level scalars, and a {@code
 * findings} array of objects if it has one. Nothing here depends on other analyzers' classes.
 */
final class CaseReader {

  static final long MAX_JSON = 64L << 20;
  private static final int MAX_LISTED = 5000;

  private CaseReader() {}

  /**
   * @param ownIntent the seq of the report run's own intent (open while it runs), not listed as unfinished
   */
  static ReportData read(Case kase, Clock clock, long ownIntent) {
    ChainReport chain = kase.log().verify();
    List<CustodyEntry> entries = chain.entries();
    List<ReportData.Acquisition> acquisitions = new ArrayList<>();
    List<ReportData.Analysis> analyses = new ArrayList<>();
    List<ReportData.Finding> findings = new ArrayList<>();
    List<ReportData.MemoryView> memory = new ArrayList<>();
    // Running an analysis again adds a new item of the same name about the same source: the newest is
    // the one the report reads; the earlier ones stay listed, marked superseded, their findings not counted.
    Map<String, Item> newest = new LinkedHashMap<>();
    List<Item> items = kase.items();
    for (Item i : items) {
      if (i.type() == ItemType.ANALYSIS) {
        newest.merge(i.sourceId() + "\u0000" + i.name(), i, (a, b) -> newer(b, a) ? b : a);
      }
    }
    for (Item i : items) {
      Item latest = i.type() == ItemType.ANALYSIS ? newest.get(i.sourceId() + "\u0000" + i.name()) : i;
      if (!latest.id().equals(i.id())) {
        analyses.add(new ReportData.Analysis(i.id(), i.name(), null, i.hashes().sha256().hex(), i.size(), 0, Map.of(), null, latest.id()));
        continue;
      }
      if (i.type() != ItemType.ANALYSIS) {
        acquisitions.add(new ReportData.Acquisition(i.id(), i.type().label(), i.sourceId(), i.acquiredUtc(), i.size(), i.hashes().sha256().hex(),
            i.hashes().md5(), i.hashes().sha1(), i.dir() + " (" + i.segments().size() + " file(s), " + i.compression().label() + ")", i.origin(), i.notes()));
      } else if (i.name().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
        analyses.add(analysis(kase, i, findings, memory));
      } else {
        analyses.add(new ReportData.Analysis(i.id(), i.name(), null, i.hashes().sha256().hex(), i.size(), 0, Map.of(), null));
      }
    }
    findings.sort(Comparator.comparing(ReportData.Finding::severity).thenComparing(ReportData.Finding::source));
    List<ReportData.Step> steps = new ArrayList<>();
    List<ReportData.LogEntry> log = new ArrayList<>();
    for (CustodyEntry e : entries) {
      if (e.event().equals("contained") || e.event().equals("released")) {
        steps.add(new ReportData.Step(e.seq(), e.timeUtc(), e.event(), e.outcome().label(), targets(e.objects()),
            e.aws() == null ? null : e.aws().api(), e.aws() == null ? null : e.aws().requestId(), e.notes()));
      }
      log.add(new ReportData.LogEntry(e.seq(), e.timeUtc(), e.event(), e.outcome().label(), e.refersTo(), e.actor(), targets(e.objects()),
          e.aws() == null ? null : e.aws().api() + " " + e.aws().region() + " " + e.aws().requestId(), e.notes()));
    }
    Map<String, Long> summary = new LinkedHashMap<>();
    summary.put("items", (long) kase.items().size());
    summary.put("acquisitions", (long) acquisitions.size());
    summary.put("analyses", analyses.stream().filter(a -> a.supersededBy() == null).count());
    summary.put("containment_steps", (long) steps.size());
    summary.put("custody_entries", (long) entries.size());
    for (Severity s : Severity.values()) {
      summary.put("findings_" + s.label(), findings.stream().filter(f -> s == f.severity()).count());
    }
    CaseInfo info = kase.info();
    List<String> problems = chain.problems().stream().map(ChainProblem::detail).toList();
    List<Long> open = CustodyLog.openIntents(entries).stream().map(CustodyEntry::seq).filter(q -> q != ownIntent).toList();
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    return new ReportData(ReportData.KIND, ToolVersion.tool(), now,
        new ReportData.CaseSummary(info.id(), info.examiner(), info.organization(), info.description(), info.openedUtc(), info.host()),
        new ReportData.Custody(chain.count(), chain.head().hex(), chain.intact(), problems, open), summary, steps, acquisitions, analyses,
        findings.size() > MAX_LISTED ? findings.subList(0, MAX_LISTED) : findings, memory.isEmpty() ? null : memory, log);
  }

  /** True when {@code a} was recorded after {@code b} (by time, then by item number). */
  private static boolean newer(Item a, Item b) {
    int c = String.valueOf(a.acquiredUtc()).compareTo(String.valueOf(b.acquiredUtc()));
    return c != 0 ? c > 0 : itemNumber(a.id()) > itemNumber(b.id());
  }

  private static long itemNumber(String id) {
    String digits = id.replaceAll("\\D", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits.length() > 18 ? digits.substring(digits.length() - 18) : digits);
  }

  private static List<String> targets(List<CustodyObject> objects) {
    List<String> out = new ArrayList<>();
    for (CustodyObject o : objects) {
      String what = o.itemId() != null ? o.itemId() : o.path() != null ? o.path() : o.sourceId();
      out.add((o.role() == null ? "" : o.role() + " ") + what + (o.sha256() == null ? "" : " sha256 " + o.sha256().hex()));
    }
    return out;
  }

  private static ReportData.Analysis analysis(Case kase, Item i, List<ReportData.Finding> findings, List<ReportData.MemoryView> memory) {
    String sha = i.hashes().sha256().hex();
    if (i.size() > MAX_JSON || i.compression() != io.custody.evidence.segment.Compression.NONE || i.segments().size() != 1) {
      return new ReportData.Analysis(i.id(), i.name(), null, sha, i.size(), 0, Map.of(), "not read: stored compressed, segmented or larger than " + MAX_JSON + " bytes");
    }
    Path p = kase.dir().resolve(i.dir()).resolve(i.segments().get(0).file());
    JsonNode doc;
    try (InputStream in = Files.newInputStream(p)) {
      doc = Json.mapper().readTree(in);
    } catch (IOException e) {
      return new ReportData.Analysis(i.id(), i.name(), null, sha, i.size(), 0, Map.of(), "not valid JSON: " + e.getMessage());
    }
    String kind = text(doc, "kind");
    if (ReportData.KIND.equals(kind)) {
      return new ReportData.Analysis(i.id(), i.name(), kind, sha, i.size(), 0, Map.of(), null);
    }
    int before = findings.size();
    JsonNode list = doc.get("findings");
    if (list != null && list.isArray()) {
      for (JsonNode f : list) {
        if (f.isObject() && findings.size() < MAX_LISTED * 4) {
          findings.add(finding(f, i, source(kind, i.name())));
        }
      }
    }
    if ("custody.memory-analysis".equals(kind) && doc.path("kernel").isObject()) {
      memory.add(memoryView(i, doc));
    }
    return new ReportData.Analysis(i.id(), i.name(), kind, sha, i.size(), findings.size() - before, facts(doc), null);
  }

  /** The process tree and connections of a memory analysis that Volatility read (read generically, as JSON). */
  private static ReportData.MemoryView memoryView(Item i, JsonNode doc) {
    JsonNode k = doc.path("kernel");
    java.util.Set<Long> flagged = new java.util.HashSet<>();
    for (JsonNode f : doc.path("findings")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^pid (\\d+) ").matcher(f.path("address").asText(""));
      if (m.find()) {
        flagged.add(Long.parseLong(m.group(1)));
      }
    }
    List<ReportData.Proc> procs = new ArrayList<>();
    for (JsonNode p : k.path("processes")) {
      if (procs.size() >= MAX_LISTED * 4) {
        break;
      }
      long pid = p.path("pid").asLong();
      procs.add(new ReportData.Proc(pid, p.path("ppid").asLong(), text(p, "comm"), text(p, "args"), text(p, "uid"), text(p, "exe"), text(p, "started"),
          p.path("kernel_thread").asBoolean(), flagged.contains(pid)));
    }
    List<ReportData.Conn> conns = new ArrayList<>();
    for (JsonNode s : k.path("sockets")) {
      String family = text(s, "family");
      if (family == null || !family.startsWith("AF_INET") || conns.size() >= MAX_LISTED) {
        continue;
      }
      long pid = s.path("pid").asLong();
      conns.add(new ReportData.Conn(pid, text(s, "process"), text(s, "proto"), text(s, "source") + ":" + text(s, "source_port"),
          text(s, "destination") + ":" + text(s, "destination_port"), text(s, "state"), flagged.contains(pid)));
    }
    List<String> hidden = new ArrayList<>();
    for (JsonNode m : k.path("modules")) {
      if (m.path("hidden").asBoolean()) {
        hidden.add(text(m, "name") + (text(m, "address") == null ? "" : " at " + text(m, "address")));
      }
    }
    return new ReportData.MemoryView(i.id(), text(doc, "source_id"), text(doc, "item_id"), text(k, "status"), text(k, "reason"), procs, conns, hidden);
  }

  private static String source(String kind, String name) {
    if (kind == null) {
      return name;
    }
    return kind.startsWith("custody.") ? kind.substring("custody.".length()).replace("-analysis", "") : kind;
  }

  /** One finding of any analysis: the usual field names of Custody's kinds, else the common ones. */
  private static ReportData.Finding finding(JsonNode f, Item i, String source) {
    Severity severity = Severity.of(first(f, "severity", "level", "priority"));
    String rule = first(f, "rule_id", "rule", "title", "name", "type");
    JsonNode sigma = f.get("sigma");
    if (sigma != null && sigma.isObject()) {
      // The Detection Rule License asks every match to credit the rule and its authors.
      rule = first(f, "title") + " (Sigma " + text(sigma, "file") + (text(sigma, "author") == null ? "" : ", by " + text(sigma, "author")) + ")";
    }
    String where = first(f, "path", "principal", "address", "offset", "process", "target");
    if (where != null && text(f, "filesystem") != null) {
      where = text(f, "filesystem") + ":" + where;
    }
    String time = first(f, "mtime", "first_time", "time_utc", "time", "timestamp", "ctime");
    String reason = first(f, "reason", "description", "message", "detail");
    String evidence = first(f, "excerpt", "sha256", "match");
    JsonNode ids = f.get("event_ids");
    if (ids != null && ids.isArray() && ids.size() > 0) {
      List<String> some = new ArrayList<>();
      ids.forEach(n -> {
        if (some.size() < 5) {
          some.add(n.asText());
        }
      });
      evidence = "eventID " + String.join(", ", some) + (ids.size() > 5 ? " … (" + f.path("event_count").asLong(ids.size()) + " events)" : "");
    }
    return new ReportData.Finding(source, i.id(), severity, rule, where, time, reason, evidence);
  }

  private static Map<String, String> facts(JsonNode doc) {
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = doc.properties().iterator();
    while (it.hasNext() && out.size() < 40) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        String v = e.getValue().asText();
        out.put(e.getKey(), v.length() > 300 ? v.substring(0, 297) + "..." : v);
      } else if (e.getValue().isArray()) {
        out.put(e.getKey(), e.getValue().size() + " entries");
      }
    }
    return out;
  }

  private static String first(JsonNode n, String... keys) {
    for (String k : keys) {
      String v = text(n, k);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }
}
