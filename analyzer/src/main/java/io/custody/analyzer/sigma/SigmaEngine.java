package io.custody.analyzer.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Evaluates a set of loaded rules against events. Rules whose condition can only hold for certain
 * {@code eventName}s are indexed by them (a pure speed-up: a rule is evaluated in full whenever its
 * event name could match); the others run on every event.
 */
public final class SigmaEngine {

  private final List<SigmaRule> rules;
  private final Map<String, List<SigmaRule>> byEventName = new HashMap<>();
  private final List<SigmaRule> always = new ArrayList<>();
  private final List<String> scratch = new ArrayList<>(8);

  public SigmaEngine(List<SigmaRule> rules) {
    this.rules = List.copyOf(rules);
    for (SigmaRule r : rules) {
      Set<String> names = EventNames.required(r.detection());
      if (names == null) {
        always.add(r);
      } else {
        for (String n : names) {
          byEventName.computeIfAbsent(n, k -> new ArrayList<>()).add(r);
        }
      }
    }
  }

  public List<SigmaRule> rules() {
    return rules;
  }

  /** Calls {@code hit} for every rule the event matches (not thread-safe: one engine per thread). */
  public void match(JsonNode event, Consumer<SigmaRule> hit) {
    JsonNode name = event.get("eventName");
    if (name != null && !name.isTextual() && !name.isNull()) {
      run(rules, event, hit); // not the text CloudTrail writes (an array, say): the index cannot tell
      return;
    }
    if (name != null) {
      List<SigmaRule> candidates = byEventName.get(fold(name.asText()));
      if (candidates != null) {
        run(candidates, event, hit);
      }
    }
    run(always, event, hit);
  }

  private void run(List<SigmaRule> some, JsonNode event, Consumer<SigmaRule> hit) {
    for (SigmaRule r : some) {
      if (r.matches(event, scratch)) {
        hit.accept(r);
      }
    }
  }

  /** The rules the event matches. */
  public List<SigmaRule> matches(JsonNode event) {
    List<SigmaRule> out = new ArrayList<>();
    match(event, out::add);
    return out;
  }

  /**
   * The top-level event keys the rules read, so a reader may skip the rest; empty when some rule
   * searches keywords over the whole event.
   */
  public Optional<Set<String>> fieldHeads() {
    Set<String> heads = new HashSet<>();
    heads.add("eventName");
    for (SigmaRule r : rules) {
      if (!EventNames.heads(r.detection(), heads)) {
        return Optional.empty();
      }
    }
    return Optional.of(heads);
  }

  /**
   * A test of an event's {@code eventName}: true when a rule that reads one of these top-level keys
   * could match an event of that name; empty when such a rule could match any event. A reader may
   * skip those keys of events the test rejects: no rule that reads them can match those.
   */
  public Optional<Predicate<String>> namesReading(Set<String> keys) {
    List<Names> each = new ArrayList<>();
    for (SigmaRule r : rules) {
      Set<String> heads = new HashSet<>();
      boolean fieldsOnly = EventNames.heads(r.detection(), heads);
      if (fieldsOnly && java.util.Collections.disjoint(heads, keys)) {
        continue;
      }
      Names n = EventNames.names(r.detection());
      if (n == null) {
        return Optional.empty();
      }
      each.add(n);
    }
    Names all = EventNames.union(each);
    return Optional.of(name -> all.test(fold(name)));
  }

  /**
   * The case-insensitive form of a value, as {@link String#equalsIgnoreCase} compares characters
   * (upper case, then lower case, by code point): two strings are equal ignoring case exactly when their folds are
   * equal. The same as lower-casing for ASCII, which is what CloudTrail writes.
   */
  static String fold(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(c))));
        return b.toString();
      }
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /** Event names, folded ({@link #fold}): exact values and prefixes. */
  record Names(Set<String> exact, Set<String> prefixes) {

    boolean test(String folded) {
      if (exact.contains(folded)) {
        return true;
      }
      for (String p : prefixes) {
        if (folded.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Works out which event names a condition needs. */
  static final class EventNames {
    private EventNames() {}

    /** Folded event names one of which the event must carry to match, or null when unconstrained or constrained by prefixes. */
    static Set<String> required(DetectionCompiler.Detection d) {
      Names n = names(d);
      return n == null || !n.prefixes().isEmpty() ? null : n.exact();
    }

    /** The event names, exact or by prefix, one of which the event must carry to match; null when unconstrained. */
    static Names names(DetectionCompiler.Detection d) {
      return cond(d.condition());
    }

    private static Names cond(Condition c) {
      if (c instanceof Condition.Ref r) {
        return selection(r.selection());
      }
      if (c instanceof Condition.And a) {
        return narrowest(a.parts().stream().map(EventNames::cond).toList());
      }
      if (c instanceof Condition.Or o) {
        return union(o.parts().stream().map(EventNames::cond).toList());
      }
      if (c instanceof Condition.Of of) {
        List<Names> each = of.selections().stream().map(EventNames::selection).toList();
        return of.all() ? narrowest(each) : union(each);
      }
      return null;
    }

    private static Names selection(Selection s) {
      if (s instanceof Selection.AllFields f) {
        List<Names> each = new ArrayList<>();
        for (FieldTest t : f.tests()) {
          Names n = null;
          if (t.path().name().equals("eventName")) {
            List<String> exact = t.literals(false);
            List<String> prefixes = t.literals(true);
            n = exact != null ? new Names(folded(exact), Set.of()) : prefixes != null ? new Names(Set.of(), folded(prefixes)) : null;
          }
          each.add(n);
        }
        return narrowest(each);
      }
      if (s instanceof Selection.AnyOf a) {
        return union(a.alternatives().stream().map(EventNames::selection).toList());
      }
      return null;
    }

    private static Set<String> folded(List<String> values) {
      Set<String> out = new HashSet<>();
      values.forEach(v -> out.add(fold(v)));
      return out;
    }

    /** Any one of the constraints that all hold (each alone is sound): exact names before prefixes, then the fewest. */
    private static Names narrowest(List<Names> all) {
      Names best = null;
      for (Names n : all) {
        if (n != null && (best == null || rank(n) < rank(best))) {
          best = n;
        }
      }
      return best;
    }

    private static long rank(Names n) {
      return (n.prefixes().isEmpty() ? 0 : 1L << 32) + n.exact().size() + n.prefixes().size();
    }

    /** What one of several alternatives needs; null when one of them is unconstrained. */
    static Names union(List<Names> all) {
      Set<String> exact = new HashSet<>();
      Set<String> prefixes = new HashSet<>();
      for (Names n : all) {
        if (n == null) {
          return null;
        }
        exact.addAll(n.exact());
        prefixes.addAll(n.prefixes());
      }
      return new Names(exact, prefixes);
    }

    static boolean heads(DetectionCompiler.Detection d, Set<String> out) {
      for (Selection s : d.selections().values()) {
        if (!selectionHeads(s, out)) {
          return false;
        }
      }
      return true;
    }

    private static boolean selectionHeads(Selection s, Set<String> out) {
      if (s instanceof Selection.AllFields f) {
        for (FieldTest t : f.tests()) {
          out.add(t.path().head());
          t.referencedHeads(out);
        }
        return true;
      }
      if (s instanceof Selection.AnyOf a) {
        for (Selection x : a.alternatives()) {
          if (!selectionHeads(x, out)) {
            return false;
          }
        }
        return true;
      }
      return false;
    }
  }
}
