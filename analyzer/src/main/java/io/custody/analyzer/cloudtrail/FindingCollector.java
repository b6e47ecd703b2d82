package io.custody.analyzer.cloudtrail;

import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Groups flagged events into findings by rule and principal, within fixed bounds. */
final class FindingCollector {

  static final int MAX_IDS = 1000;
  static final int MAX_FINDINGS = 20_000;

  private final Map<String, Map<String, Group>> groups = new LinkedHashMap<>();
  private int size;
  private long dropped;

  /** Flags one event. */
  void add(String ruleId, String source, String title, Severity severity, String reason, CloudTrailFinding.SigmaRef sigma, Rec r) {
    add(ruleId, source, title, severity, () -> reason, sigma, r);
  }

  /** Flags one event; the reason (which only the first event of a finding gives) is made only when needed. */
  void add(String ruleId, String source, String title, Severity severity, java.util.function.Supplier<String> reason,
      CloudTrailFinding.SigmaRef sigma, Rec r) {
    Map<String, Group> byPrincipal = groups.computeIfAbsent(ruleId, k -> new LinkedHashMap<>());
    Group g = byPrincipal.get(r.principal);
    if (g == null) {
      if (size >= MAX_FINDINGS) {
        dropped++;
        return;
      }
      g = new Group(ruleId, source, title, severity, reason.get(), r.principal, sigma);
      byPrincipal.put(r.principal, g);
      size++;
    }
    g.add(r, severity);
  }

  long dropped() {
    return dropped;
  }

  List<CloudTrailFinding> findings() {
    List<CloudTrailFinding> out = new ArrayList<>();
    for (Map<String, Group> m : groups.values()) {
      for (Group g : m.values()) {
        out.add(g.finding());
      }
    }
    out.sort(Comparator.comparing(CloudTrailFinding::severity).thenComparing(CloudTrailFinding::firstTime,
        Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(CloudTrailFinding::ruleId));
    return out;
  }

  private static final class Group {
    final String ruleId;
    final String source;
    final String title;
    Severity severity;
    final String reason;
    final String principal;
    final CloudTrailFinding.SigmaRef sigma;
    final Set<String> keys = new LinkedHashSet<>();
    final Set<String> names = new LinkedHashSet<>();
    final List<String> ids = new ArrayList<>();
    String first;
    String last;
    String lastName;
    long count;

    Group(String ruleId, String source, String title, Severity severity, String reason, String principal, CloudTrailFinding.SigmaRef sigma) {
      this.ruleId = ruleId;
      this.source = source;
      this.title = title;
      this.severity = severity;
      this.reason = reason;
      this.principal = principal;
      this.sigma = sigma;
    }

    void add(Rec r, Severity sev) {
      count++;
      severity = severity.max(sev);
      if (ids.size() < MAX_IDS && r.id != null) {
        ids.add(r.id);
      }
      if (r.accessKey != null && keys.size() < 50) {
        keys.add(r.accessKey);
      }
      if (names.size() < 50 && !r.name.equals(lastName)) {
        names.add(r.name);
        lastName = r.name;
      }
      if (!r.time.isEmpty()) {
        first = first == null || r.time.compareTo(first) < 0 ? r.time : first;
        last = last == null || r.time.compareTo(last) > 0 ? r.time : last;
      }
    }

    CloudTrailFinding finding() {
      String why = count > 1 ? reason + " (" + count + " events)" : reason;
      return new CloudTrailFinding(ruleId, source, title, severity, why, principal, List.copyOf(keys), first, last, count,
          List.copyOf(names), List.copyOf(ids), sigma);
    }
  }
}
