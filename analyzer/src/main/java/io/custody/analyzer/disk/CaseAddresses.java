package io.custody.analyzer.disk;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The addresses the rest of a case knows about, for a login's address to be matched against: every
 * {@code source_ips} entry of the case's CloudTrail analyses (per principal and access key), with
 * where it was seen. Read from the analysis items as recorded (their SHA-256 checked on reading).
 */
public final class CaseAddresses {

  /** The largest analysis file read for this. */
  static final int MAX = 256 << 20;

  private CaseAddresses() {}

  public static Map<String, String> of(Case kase) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Item i : kase.items()) {
      if (i.type() != ItemType.ANALYSIS || !i.name().equals("cloudtrail-analysis.json") || i.size() > MAX) {
        continue;
      }
      JsonNode root;
      try {
        root = Json.mapper().readTree(kase.readSmallItem(i, MAX));
      } catch (IOException | RuntimeException e) {
        continue; // an analysis that cannot be read adds nothing here; verify and seal report its state
      }
      for (JsonNode summary : root.findParents("source_ips")) {
        String who = summary.path("key").asText("");
        Iterator<Map.Entry<String, JsonNode>> it = summary.path("source_ips").fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> ip = it.next();
          String address = ip.getKey();
          if (address.matches("[0-9a-fA-F:.]{2,45}")) {
            out.putIfAbsent(address, "in CloudTrail (" + i.id() + ") as the source of " + ip.getValue().asLong() + " call(s) by "
                + Printable.of(who));
          }
        }
      }
    }
    return out;
  }
}
