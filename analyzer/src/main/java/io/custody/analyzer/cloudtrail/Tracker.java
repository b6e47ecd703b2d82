package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Accumulates an {@link ActivitySummary} for one principal or key, in bounded memory. */
final class Tracker {

  static final int MAX_KEYS = 200;
  static final int MAX_CREATED = 500;
  private static final long BURST_WINDOW_S = 300;
  private static final int BURST_MIN = 10;

  private final String key;
  private final String type;
  private final Set<String> related = new LinkedHashSet<>();
  private String first;
  private String last;
  private long events;
  // long[1] counters: one lookup per increment, no boxing (this runs twice for every record)
  private final Map<String, long[]> regions = new HashMap<>();
  private final Map<String, long[]> ips = new HashMap<>();
  private final Map<String, long[]> agents = new HashMap<>();
  private final Map<String, long[]> calls = new HashMap<>();
  private final Map<String, long[]> errors = new HashMap<>();
  private final List<ActivitySummary.Burst> bursts = new ArrayList<>();
  private final List<ActivitySummary.Created> created = new ArrayList<>();
  private final long[] deniedRing = new long[BURST_MIN];
  private int deniedCount;
  private long burstStart = -1;
  private long burstEnd;
  private long burstCount;

  Tracker(String key, String type) {
    this.key = key;
    this.type = type;
  }

  void accept(Rec e, String relatedKey) {
    events++;
    if (relatedKey != null && related.size() < 50) {
      related.add(relatedKey);
    }
    if (!e.time.isEmpty()) {
      first = first == null || e.time.compareTo(first) < 0 ? e.time : first;
      last = last == null || e.time.compareTo(last) > 0 ? e.time : last;
    }
    count(regions, e.region);
    count(ips, e.ip);
    count(agents, e.agent);
    count(calls, e.call());
    if (!e.succeeded()) {
      count(errors, e.error);
      if (e.error.contains("AccessDenied") || e.error.contains("Unauthorized")) {
        denied(e.epoch());
      }
    } else if (created.size() < MAX_CREATED && creates(e)) {
      created.add(new ActivitySummary.Created(e.time, e.name, resource(e), e.id));
    }
  }

  private void denied(long t) {
    if (t == Long.MIN_VALUE) {
      return;
    }
    deniedRing[deniedCount++ % BURST_MIN] = t;
    if (deniedCount >= BURST_MIN) {
      long oldest = deniedRing[deniedCount % BURST_MIN];
      if (t - oldest <= BURST_WINDOW_S) {
        if (burstStart >= 0 && oldest <= burstEnd + BURST_WINDOW_S) {
          burstEnd = t;
          burstCount++;
        } else {
          closeBurst();
          burstStart = oldest;
          burstEnd = t;
          burstCount = BURST_MIN;
        }
      }
    }
  }

  private void closeBurst() {
    if (burstStart >= 0 && bursts.size() < 100) {
      bursts.add(new ActivitySummary.Burst(Instant.ofEpochSecond(burstStart).toString(), Instant.ofEpochSecond(burstEnd).toString(), burstCount));
    }
    burstStart = -1;
  }

  ActivitySummary summary(boolean isKey) {
    closeBurst();
    List<String> rel = List.copyOf(related);
    return new ActivitySummary(key, type, isKey ? rel : List.of(), isKey ? List.of() : rel, first, last, events,
        sorted(regions), sorted(ips), sorted(agents), sorted(calls), sorted(errors), List.copyOf(bursts), List.copyOf(created));
  }

  private static void count(Map<String, long[]> m, String k) {
    if (k == null) {
      return;
    }
    long[] c = m.get(k);
    if (c == null) {
      if (m.size() < MAX_KEYS) {
        c = new long[1];
        m.put(k, c);
      } else {
        c = m.computeIfAbsent("(other)", x -> new long[1]);
      }
    }
    c[0]++;
  }

  private static Map<String, Long> sorted(Map<String, long[]> m) {
    List<Map.Entry<String, long[]>> es = new ArrayList<>(m.entrySet());
    es.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0]).thenComparing(Map.Entry::getKey));
    Map<String, Long> out = new LinkedHashMap<>();
    es.forEach(e -> out.put(e.getKey(), e.getValue()[0]));
    return out;
  }

  /** The calls that create a resource: only their request and response are read (for the resource's name). */
  static final Calls CREATES = Calls.prefixed(Calls.ANY_SOURCE, "Create", "Import", "Allocate", "Register", "Publish", "CopySnapshot", "CopyImage")
      .or(Calls.of(Calls.ANY_SOURCE, "RunInstances"));

  private static boolean creates(Rec e) {
    return CREATES.test(e.source, e.name);
  }

  /** The created resource's name or id, from the usual response or request fields. */
  private static String resource(Rec e) {
    JsonNode resp = e.node.get("responseElements");
    String found = resp == null ? null : firstIdLike(resp, 0);
    if (found == null) {
      JsonNode req = e.node.get("requestParameters");
      found = req == null ? null : firstIdLike(req, 0);
    }
    return found;
  }

  private static String firstIdLike(JsonNode n, int depth) {
    if (depth > 4 || n == null || !n.isContainerNode()) {
      return null;
    }
    var it = n.properties().iterator();
    while (it.hasNext()) {
      var f = it.next();
      String k = f.getKey();
      if (f.getValue().isTextual() && (k.equalsIgnoreCase("arn") || k.endsWith("Arn") || k.endsWith("Id") || k.endsWith("Name"))) {
        return BuiltinRules.clip(f.getValue().asText());
      }
    }
    for (JsonNode c : n) {
      String s = firstIdLike(c, depth + 1);
      if (s != null) {
        return s;
      }
    }
    return null;
  }
}
