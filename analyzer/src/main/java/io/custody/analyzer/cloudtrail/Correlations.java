package io.custody.analyzer.cloudtrail;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;

import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Findings that need more than one event, decided at the end of the run from what was remembered
 * (bounded: at most {@value #MAX_REMEMBERED} events per kind):
 *
 * <ul>
 *   <li>RunInstances of unusual types (GPU, accelerator, bare-metal, very large) or in a region that
 *       carries under 5% of the events while others carry the rest;
 *   <li>EC2 instance-role credentials used from an address that other, non-instance principals
 *       also use (the credentials left the instance);
 *   <li>StopInstances/StartInstances of an instance by the principal that replaced its user data,
 *       within an hour of it;
 *   <li>secret and parameter enumeration by a principal that then read secrets.
 * </ul>
 */
final class Correlations {

  static final int MAX_REMEMBERED = 100_000;
  private static final Pattern UNUSUAL_TYPE = Pattern.compile(
      "(p\\d|g\\d|inf\\d|trn\\d|dl\\d|f\\d|x\\d|u-|vt\\d|hpc\\d)[a-z0-9-]*\\..*|.*\\.metal.*|.*\\.(\\d{2,})xlarge");
  private static final Pattern INSTANCE_SESSION = Pattern.compile(".*:i-[0-9A-Za-z]{8,17}$");

  private final List<Rec> runs = new ArrayList<>();
  private final List<String> runTypes = new ArrayList<>();
  private final Map<String, Long> regionCounts = new HashMap<>();
  private long total;

  private final List<Rec> instanceSessionEvents = new ArrayList<>();
  private final Set<String> ipsOfOthers = new HashSet<>();

  private final List<Rec> stopStart = new ArrayList<>();
  private final List<String> stopStartInstances = new ArrayList<>();
  /** "instance\0principal" → epoch seconds of its user-data changes (sorted at the end). */
  private final Map<String, long[]> userDataChanges = new HashMap<>();
  private final Map<String, Integer> userDataCounts = new HashMap<>();
  private long remembered;

  private final List<Rec> enumerations = new ArrayList<>();
  private final Set<String> secretReaders = new HashSet<>();

  /** The calls whose request these correlations read. */
  static final Calls READS = Calls.of("ec2.amazonaws.com", "RunInstances", "StopInstances", "StartInstances", "ModifyInstanceAttribute");

  void accept(Rec e) {
    total++;
    if (e.region != null && regionCounts.size() < 1000) {
      regionCounts.merge(e.region, 1L, Long::sum);
    }
    if (e.ip != null && !awsInternal(e.ip)) {
      if (instanceSession(e)) {
        if (instanceSessionEvents.size() < MAX_REMEMBERED) {
          instanceSessionEvents.add(e.slim());
        }
      } else if (ipsOfOthers.size() < MAX_REMEMBERED) {
        ipsOfOthers.add(e.ip);
      }
    }
    if ((e.is("secretsmanager.amazonaws.com", "ListSecrets") || e.is("secretsmanager.amazonaws.com", "DescribeSecret")
        || e.is("ssm.amazonaws.com", "DescribeParameters")) && enumerations.size() < MAX_REMEMBERED) {
      enumerations.add(e.slim());
    }
    if (READS.test(e.source, e.name)) {
      instanceCall(e);
    }
  }

  /** One of the {@link #READS} calls: the only events whose request is read here. */
  private void instanceCall(Rec e) {
    if (e.name.equals("RunInstances") && runs.size() < MAX_REMEMBERED) {
      runs.add(e.slim());
      runTypes.add(e.at("requestParameters.instanceType"));
    } else if ((e.name.equals("StopInstances") || e.name.equals("StartInstances")) && stopStart.size() < MAX_REMEMBERED) {
      for (String id : instanceIds(e)) {
        stopStart.add(e.slim());
        stopStartInstances.add(id);
      }
    } else if (e.name.equals("ModifyInstanceAttribute") && e.nodeAt("requestParameters.userData") != null
        && e.at("requestParameters.instanceId") != null && remembered < MAX_REMEMBERED && e.epoch() != Long.MIN_VALUE) {
      String key = e.at("requestParameters.instanceId") + "\u0000" + e.principal;
      int n = userDataCounts.getOrDefault(key, 0);
      long[] times = userDataChanges.get(key);
      if (times == null || times.length == n) {
        times = java.util.Arrays.copyOf(times == null ? new long[4] : times, Math.max(4, n * 2));
        userDataChanges.put(key, times);
      }
      times[n] = e.epoch();
      userDataCounts.put(key, n + 1);
      remembered++;
    }
  }

  /** Tells the correlations that a built-in rule flagged the event. */
  void flagged(String ruleId, Rec e) {
    if (ruleId.equals("secrets-retrieved")) {
      secretReaders.add(e.principal);
    }
  }

  void finish(FindingCollector out) {
    unusualRuns(out);
    credentialsElsewhere(out);
    stopStartAroundUserData(out);
    for (Rec e : enumerations) {
      if (secretReaders.contains(e.principal)) {
        out.add("secrets-retrieved", "builtin", "Secrets, parameters or instance passwords read", HIGH,
            e.name + ": enumeration by a principal that then read secrets", null, e);
      }
    }
  }

  private void unusualRuns(FindingCollector out) {
    for (int i = 0; i < runs.size(); i++) {
      Rec e = runs.get(i);
      String type = runTypes.get(i);
      List<String> why = new ArrayList<>();
      if (type != null && UNUSUAL_TYPE.matcher(type).matches()) {
        why.add("instance type " + type + " (GPU, accelerator, bare-metal or very large)");
      }
      long inRegion = e.region == null ? 0 : regionCounts.getOrDefault(e.region, 0L);
      if (regionCounts.size() > 1 && e.region != null && inRegion * 20 < total) {
        why.add("region " + e.region + " carries only " + inRegion + " of " + total + " events");
      }
      if (!why.isEmpty()) {
        out.add("ec2-unusual-instances", "builtin", "Instances of unusual types or in unusual regions", HIGH,
            "RunInstances: " + String.join("; ", why) + (e.succeeded() ? "" : " [attempt failed: " + e.error + "]"), null, e);
      }
    }
  }

  private void credentialsElsewhere(FindingCollector out) {
    for (Rec e : instanceSessionEvents) {
      if (ipsOfOthers.contains(e.ip)) {
        out.add("instance-credentials-elsewhere", "builtin", "EC2 instance credentials used outside the instance", CRITICAL,
            "instance-role session " + e.principal + " called " + e.name + " from " + e.ip + ", an address other principals also use", null, e);
      }
    }
  }

  private void stopStartAroundUserData(FindingCollector out) {
    userDataChanges.forEach((k, v) -> java.util.Arrays.sort(v, 0, userDataCounts.get(k)));
    for (int i = 0; i < stopStart.size(); i++) {
      Rec e = stopStart.get(i);
      String key = stopStartInstances.get(i) + "\u0000" + e.principal;
      long[] changes = userDataChanges.get(key);
      long t = e.epoch();
      if (changes == null || t == Long.MIN_VALUE) {
        continue;
      }
      int n = userDataCounts.get(key);
      int at = java.util.Arrays.binarySearch(changes, 0, n, t);
      int ins = at >= 0 ? at : -at - 1;
      boolean near = at >= 0 || (ins < n && changes[ins] - t <= 3600) || (ins > 0 && t - changes[ins - 1] <= 3600);
      if (near) {
        out.add("instance-user-data", "builtin", "Instance user data read or replaced", HIGH,
            e.name + " of " + stopStartInstances.get(i) + " within an hour of its user-data change by the same principal", null, e);
      }
    }
  }

  private static List<String> instanceIds(Rec e) {
    List<String> ids = new ArrayList<>();
    var items = e.nodeAt("requestParameters.instancesSet.items");
    if (items != null) {
      items.forEach(i -> {
        if (i.has("instanceId")) {
          ids.add(i.get("instanceId").asText());
        }
      });
    }
    return ids;
  }

  private static boolean instanceSession(Rec e) {
    if (!"AssumedRole".equals(e.identityType)) {
      return false;
    }
    if (e.nodeAt("userIdentity.sessionContext.ec2RoleDelivery") != null) {
      return true;
    }
    String pid = e.at("userIdentity.principalId");
    return pid != null && INSTANCE_SESSION.matcher(pid).matches();
  }

  private static boolean awsInternal(String ip) {
    return ip.equalsIgnoreCase("AWS Internal") || ip.endsWith(".amazonaws.com");
  }

}
