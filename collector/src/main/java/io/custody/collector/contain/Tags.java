package io.custody.collector.contain;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tags Custody puts on what it creates or contains, so a rerun finds its own work. */
final class Tags {

  static final String CASE = "custody:case";
  static final String TICKET = "custody:ticket";
  static final String INSTANCE = "custody:instance";
  static final String ROLE = "custody:role";
  static final String STATE = "custody:state";

  private Tags() {}

  static Map<String, String> of(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
