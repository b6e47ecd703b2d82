package io.custody.analyzer.cloudtrail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of API calls: event names, exact or by prefix, per event source (or from any source). Each
 * step of the analysis that reads a record's details (error message, request, response, additional
 * data) names the calls it reads them for, and runs only on those; the reader then skips the
 * details of every other record without building them.
 */
final class Calls {

  /** Stands for any event source. */
  static final String ANY_SOURCE = "*";

  private final Map<String, Set<String>> exact;
  private final Map<String, List<String>> prefixes;

  private Calls(Map<String, Set<String>> exact, Map<String, List<String>> prefixes) {
    this.exact = exact;
    this.prefixes = prefixes;
  }

  /** These event names from this source ({@link #ANY_SOURCE} for any). */
  static Calls of(String source, String... names) {
    return new Calls(Map.of(source, Set.of(names)), Map.of());
  }

  /** Event names that start with one of these prefixes, from this source. */
  static Calls prefixed(String source, String... namePrefixes) {
    return new Calls(Map.of(), Map.of(source, List.of(namePrefixes)));
  }

  /** The calls of all of these. */
  static Calls union(List<Calls> all) {
    Map<String, Set<String>> e = new HashMap<>();
    Map<String, List<String>> p = new HashMap<>();
    for (Calls c : all) {
      c.exact.forEach((s, n) -> e.computeIfAbsent(s, k -> new HashSet<>()).addAll(n));
      c.prefixes.forEach((s, n) -> p.computeIfAbsent(s, k -> new ArrayList<>()).addAll(n));
    }
    e.replaceAll((k, v) -> Set.copyOf(v));
    p.replaceAll((k, v) -> List.copyOf(v));
    return new Calls(Map.copyOf(e), Map.copyOf(p));
  }

  /** These calls and those. */
  Calls or(Calls other) {
    return union(List.of(this, other));
  }

  /** True when the call {@code source:name} is one of these (names compared exactly, as CloudTrail writes them). */
  boolean test(String source, String name) {
    return in(source, name) || in(ANY_SOURCE, name);
  }

  private boolean in(String source, String name) {
    Set<String> names = exact.get(source);
    if (names != null && names.contains(name)) {
      return true;
    }
    List<String> ps = prefixes.get(source);
    if (ps != null) {
      for (int i = 0; i < ps.size(); i++) {
        if (name.startsWith(ps.get(i))) {
          return true;
        }
      }
    }
    return false;
  }
}
