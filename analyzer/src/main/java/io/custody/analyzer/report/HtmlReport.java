package io.custody.analyzer.report;

import io.custody.evidence.Severity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link ReportData} as one self-contained HTML page: inline CSS and SVG, no script, no
 * external reference of any kind, so it opens offline and years later. Every string from the case
 * (evidence included) is escaped.
 */
final class HtmlReport {

  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:1200px;color:#1b1f24;padding:0 1em}
      h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
      table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
      th{background:#f6f8fa}td.h{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
      .sev{font-weight:600;padding:1px 6px;border-radius:3px;color:#fff}.critical{background:#8b0000}.high{background:#d1242f}
      .medium{background:#bf8700}.low{background:#0969da}.info{background:#6e7781}.ok{color:#1a7f37;font-weight:600}.bad{color:#d1242f;font-weight:600}
      .cards{display:flex;flex-wrap:wrap;gap:.6em}.card{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;min-width:9em}
      .card b{display:block;font-size:1.5em}small{color:#57606a}svg text{font:11px system-ui,sans-serif}
      """;

  private HtmlReport() {}

  static String render(ReportData d) {
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
        .append("<title>Case ").append(esc(d.kase().id())).append(" — Custody report</title><style>").append(CSS).append("</style></head><body>\n");
    header(h, d);
    summary(h, d);
    containment(h, d);
    acquisitions(h, d);
    findings(h, d);
    chart(h, d);
    memory(h, d);
    analyses(h, d);
    log(h, d);
    h.append("<p><small>Generated ").append(esc(d.generatedUtc())).append(" by ").append(esc(d.tool()))
        .append(". This page and report.json are analysis items of the case and are sealed into its evidence bundle.</small></p></body></html>\n");
    return h.toString();
  }

  private static void header(StringBuilder h, ReportData d) {
    var c = d.kase();
    h.append("<h1>Case ").append(esc(c.id())).append("</h1><p>").append(c.description() == null ? "" : esc(c.description()) + "<br>")
        .append("Examiner ").append(esc(c.examiner())).append(c.organization() == null ? "" : " (" + esc(c.organization()) + ")")
        .append(", opened ").append(esc(c.openedUtc())).append(" on ").append(esc(c.host())).append("</p>\n");
    var cu = d.custody();
    h.append("<p>Custody log: ").append(cu.entries()).append(" entries, head SHA-256 <code>").append(esc(cu.head())).append("</code>, ")
        .append(cu.intact() ? "<span class=\"ok\">chain intact</span>" : "<span class=\"bad\">chain BROKEN</span>");
    if (!cu.openActions().isEmpty()) {
      h.append(", actions begun and not finished: ").append(esc(cu.openActions().toString()));
    }
    h.append("</p>\n");
    for (String p : cu.problems()) {
      h.append("<p class=\"bad\">").append(esc(p)).append("</p>\n");
    }
  }

  private static void summary(StringBuilder h, ReportData d) {
    h.append("<h2>Summary</h2><div class=\"cards\">");
    for (Map.Entry<String, Long> e : d.summary().entrySet()) {
      String k = e.getKey();
      String cls = k.startsWith("findings_") ? " " + k.substring(9) : "";
      h.append("<div class=\"card\"><b>").append(e.getValue()).append("</b>");
      h.append(cls.isEmpty() ? esc(k.replace('_', ' ')) : "findings <span class=\"sev" + cls + "\">" + esc(k.substring(9)) + "</span>");
      h.append("</div>");
    }
    h.append("</div>\n");
  }

  private static void containment(StringBuilder h, ReportData d) {
    h.append("<h2>Containment steps</h2>");
    if (d.containment().isEmpty()) {
      h.append("<p>None recorded in the custody log.</p>\n");
      return;
    }
    h.append("<table><tr><th>#</th><th>time (UTC)</th><th>event</th><th>outcome</th><th>targets</th><th>AWS call</th><th>notes</th></tr>");
    for (var s : d.containment()) {
      h.append("<tr><td>").append(s.seq()).append("</td><td>").append(esc(s.time())).append("</td><td>").append(esc(s.event()))
          .append("</td><td>").append(esc(s.outcome())).append("</td><td>").append(esc(String.join("; ", s.targets())))
          .append("</td><td>").append(esc(s.awsApi() == null ? "" : s.awsApi() + " " + (s.requestId() == null ? "" : s.requestId())))
          .append("</td><td>").append(esc(s.notes())).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static void acquisitions(StringBuilder h, ReportData d) {
    h.append("<h2>Acquisitions</h2><table><tr><th>item</th><th>type</th><th>source</th><th>acquired (UTC)</th><th>bytes</th><th>hashes</th><th>stored</th></tr>");
    for (var a : d.acquisitions()) {
      h.append("<tr><td>").append(esc(a.item())).append("</td><td>").append(esc(a.type())).append("</td><td>").append(esc(a.sourceId()))
          .append("</td><td>").append(esc(a.acquiredUtc())).append("</td><td>").append(a.size()).append("</td><td class=\"h\">SHA-256 ")
          .append(esc(a.sha256())).append(a.md5() == null ? "" : "<br>MD5 " + esc(a.md5())).append(a.sha1() == null ? "" : "<br>SHA-1 " + esc(a.sha1()))
          .append("</td><td>").append(esc(a.stored())).append(a.notes() == null ? "" : "<br><small>" + esc(a.notes()) + "</small>").append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static void findings(StringBuilder h, ReportData d) {
    h.append("<h2>Findings</h2>");
    if (d.findings().isEmpty()) {
      h.append("<p>No analysis in this case reported findings.</p>\n");
      return;
    }
    h.append("<table><tr><th>severity</th><th>source</th><th>rule</th><th>where</th><th>time (UTC)</th><th>reason</th><th>evidence</th></tr>");
    for (var f : d.findings()) {
      h.append("<tr><td><span class=\"sev ").append(f.severity().label()).append("\">").append(f.severity().label()).append("</span></td><td>")
          .append(esc(f.source())).append(" <small>").append(esc(f.item())).append("</small></td><td>").append(esc(f.rule())).append("</td><td>")
          .append(esc(f.where())).append("</td><td>").append(esc(f.time())).append("</td><td>").append(esc(f.reason())).append("</td><td class=\"h\">")
          .append(esc(f.evidence())).append("</td></tr>");
    }
    h.append("</table>\n");
  }

  /** An SVG strip: custody events on one lane, findings by severity on the others, along UTC time. */
  private static void chart(StringBuilder h, ReportData d) {
    List<long[]> points = new ArrayList<>(); // {epochSecond, lane}
    List<String> titles = new ArrayList<>();
    for (var e : d.log()) {
      add(points, titles, e.time(), 0, "#" + e.seq() + " " + e.event() + " " + e.outcome());
    }
    for (var f : d.findings()) {
      add(points, titles, f.time(), 1 + f.severity().ordinal(), f.severity() + " " + f.rule() + " " + (f.where() == null ? "" : f.where()));
    }
    h.append("<h2>Timeline</h2>");
    if (points.isEmpty()) {
      h.append("<p>No dated events.</p>\n");
      return;
    }
    long min = points.stream().mapToLong(p -> p[0]).min().getAsLong();
    long max = points.stream().mapToLong(p -> p[0]).max().getAsLong();
    long span = Math.max(1, max - min);
    int w = 1100;
    int left = 110;
    int lane = 26;
    String[] names = {"custody log", "critical", "high", "medium", "low", "info"};
    String[] colors = {"#57606a", "#8b0000", "#d1242f", "#bf8700", "#0969da", "#6e7781"};
    int height = lane * names.length + 40;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 ").append(w).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"timeline of custody events and findings\">");
    for (int i = 0; i < names.length; i++) {
      int y = 20 + i * lane;
      h.append("<text x=\"4\" y=\"").append(y + 4).append("\">").append(names[i]).append("</text><line x1=\"").append(left).append("\" x2=\"")
          .append(w - 10).append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\" stroke=\"#d0d7de\"/>");
    }
    for (int i = 0; i < points.size(); i++) {
      long[] p = points.get(i);
      double x = left + (w - 10 - left) * (double) (p[0] - min) / span;
      int y = 20 + (int) p[1] * lane;
      h.append("<circle cx=\"").append(String.format(java.util.Locale.ROOT, "%.1f", x)).append("\" cy=\"").append(y).append("\" r=\"4\" fill=\"")
          .append(colors[(int) p[1]]).append("\" fill-opacity=\"0.7\"><title>").append(esc(Instant.ofEpochSecond(p[0]) + " " + titles.get(i)))
          .append("</title></circle>");
    }
    int base = height - 8;
    for (int t = 0; t <= 4; t++) {
      long at = min + span * t / 4;
      double x = left + (w - 10 - left) * t / 4.0;
      String anchor = t == 0 ? "start" : t == 4 ? "end" : "middle";
      h.append("<line x1=\"").append(String.format(java.util.Locale.ROOT, "%.1f", x)).append("\" x2=\"")
          .append(String.format(java.util.Locale.ROOT, "%.1f", x)).append("\" y1=\"12\" y2=\"").append(base - 14).append("\" stroke=\"#eaeef2\"/>")
          .append("<text x=\"").append(String.format(java.util.Locale.ROOT, "%.1f", x)).append("\" y=\"").append(base).append("\" text-anchor=\"")
          .append(anchor).append("\">").append(esc(Instant.ofEpochSecond(at).toString())).append("</text>");
    }
    h.append("</svg>\n");
  }

  private static void add(List<long[]> points, List<String> titles, String time, int lane, String title) {
    if (time == null || points.size() > 20_000) {
      return;
    }
    try {
      points.add(new long[] {Instant.parse(time).getEpochSecond(), lane});
      titles.add(title);
    } catch (DateTimeParseException ignored) {
      // undated: not drawn
    }
  }

  /** Per memory analysis: the process tree (kernel threads folded under kthreadd) and the network connections. */
  private static void memory(StringBuilder h, ReportData d) {
    if (d.memory() == null) {
      return;
    }
    for (ReportData.MemoryView m : d.memory()) {
      h.append("<h2>Memory of ").append(esc(m.sourceId())).append("</h2><p><small>").append(esc(m.memoryItem()))
          .append(", read by Volatility 3 (analysis ").append(esc(m.item())).append(")</small></p>\n");
      if (!"ok".equals(m.status())) {
        h.append("<p class=\"bad\">Volatility could not read the kernel's structures: ").append(esc(m.reason())).append("</p>\n");
        continue;
      }
      if (!m.hiddenModules().isEmpty()) {
        h.append("<p class=\"bad\">Kernel modules hidden from the module list: ").append(esc(String.join(", ", m.hiddenModules()))).append("</p>\n");
      }
      java.util.Map<Long, List<ReportData.Proc>> children = new java.util.TreeMap<>();
      java.util.Set<Long> pids = new java.util.HashSet<>();
      m.processes().forEach(p -> pids.add(p.pid()));
      long kthreads = m.processes().stream().filter(p -> p.kernelThread() && p.pid() != 2).count();
      m.processes().forEach(p -> children.computeIfAbsent(pids.contains(p.ppid()) && p.ppid() != p.pid() ? p.ppid() : -1L, x -> new ArrayList<>()).add(p));
      h.append("<h3>Process tree</h3><table><tr><th>PID</th><th>process</th><th>uid</th><th>started (UTC)</th><th>command line</th><th>executable</th></tr>");
      tree(h, children, -1L, 0, new java.util.HashSet<>(), kthreads);
      h.append("</table>\n<h3>Network connections</h3>");
      if (m.connections().isEmpty()) {
        h.append("<p>None.</p>\n");
        continue;
      }
      h.append("<table><tr><th>PID</th><th>process</th><th>proto</th><th>local</th><th>remote</th><th>state</th></tr>");
      for (ReportData.Conn c : m.connections()) {
        String mark = c.flagged() ? " class=\"bad\"" : "";
        h.append("<tr").append(mark).append("><td>").append(c.pid()).append("</td><td>").append(esc(c.process())).append("</td><td>").append(esc(c.proto()))
            .append("</td><td>").append(esc(c.local())).append("</td><td>").append(esc(c.remote())).append("</td><td>").append(esc(c.state()))
            .append("</td></tr>");
      }
      h.append("</table>\n");
    }
  }

  private static void tree(StringBuilder h, java.util.Map<Long, List<ReportData.Proc>> children, long parent, int depth, java.util.Set<Long> seen,
      long kthreads) {
    for (ReportData.Proc p : children.getOrDefault(parent, List.of())) {
      if ((p.kernelThread() && p.pid() != 2) || !seen.add(p.pid()) || depth > 64) {
        continue;
      }
      String mark = p.flagged() ? " class=\"bad\"" : "";
      h.append("<tr").append(mark).append("><td>").append(p.pid()).append("</td><td>").append("&nbsp;&nbsp;".repeat(depth)).append(depth > 0 ? "└ " : "")
          .append(esc(p.comm())).append(p.pid() == 2 && kthreads > 0 ? " <small>(and " + kthreads + " kernel threads)</small>" : "")
          .append("</td><td>").append(esc(p.uid())).append("</td><td>").append(esc(p.started())).append("</td><td class=\"h\">")
          .append(esc(p.args())).append("</td><td class=\"h\">").append(esc(p.exe())).append("</td></tr>");
      tree(h, children, p.pid(), depth + 1, seen, kthreads);
    }
  }

  private static void analyses(StringBuilder h, ReportData d) {
    h.append("<h2>Analyses</h2><table><tr><th>item</th><th>file</th><th>kind</th><th>findings</th><th>SHA-256</th><th>facts</th></tr>");
    for (var a : d.analyses()) {
      StringBuilder facts = new StringBuilder();
      a.facts().forEach((k, v) -> facts.append(esc(k)).append(": ").append(esc(v)).append("<br>"));
      if (a.supersededBy() != null) {
        facts.append("superseded by ").append(esc(a.supersededBy())).append(" (a later run; its findings are not counted)<br>");
      }
      if (a.problem() != null) {
        facts.append("<span class=\"bad\">").append(esc(a.problem())).append("</span>");
      }
      h.append("<tr><td>").append(esc(a.item())).append("</td><td>").append(esc(a.name())).append("</td><td>").append(esc(a.kind()))
          .append("</td><td>").append(a.findings()).append("</td><td class=\"h\">").append(esc(a.sha256())).append("</td><td><small>")
          .append(facts).append("</small></td></tr>");
    }
    h.append("</table>\n");
  }

  private static void log(StringBuilder h, ReportData d) {
    h.append("<h2>Custody log</h2><table><tr><th>#</th><th>time (UTC)</th><th>event</th><th>outcome</th><th>actor</th><th>objects</th><th>notes</th></tr>");
    for (var e : d.log()) {
      h.append("<tr><td>").append(e.seq()).append("</td><td>").append(esc(e.time())).append("</td><td>").append(esc(e.event())).append("</td><td>")
          .append(esc(e.outcome())).append(e.refersTo() == null ? "" : " (of #" + e.refersTo() + ")").append("</td><td>").append(esc(e.actor()))
          .append("</td><td class=\"h\">").append(esc(String.join("\n", e.objects())).replace("\n", "<br>")).append("</td><td>")
          .append(esc(e.notes())).append(e.aws() == null ? "" : "<br><small>AWS " + esc(e.aws()) + "</small>").append("</td></tr>");
    }
    h.append("</table>\n");
  }

  /** HTML-escapes text (null becomes empty). */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            sb.append("&#xFFFD;");
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
