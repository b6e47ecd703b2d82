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
    if (name != null && name.isTextual()) {
      List<SigmaRule> candidates = byEventName.get(name.asText().toLowerCase(Locale.ROOT));
      if (candidates != null) {
        for (SigmaRule r : candidates) {
          if (r.matches(event, scratch)) {
            hit.accept(r);
          }
        }
      }
    }
    for (SigmaRule r : always) {
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

  /** Works out which event names a condition needs. */
  static final class EventNames {
    private EventNames() {}

    /** Lower-case event names one of which the event must carry to match, or null when unconstrained. */
    static Set<String> required(DetectionCompiler.Detection d) {
      return cond(d.condition());
    }

    private static Set<String> cond(Condition c) {
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
        List<Set<String>> each = of.selections().stream().map(EventNames::selection).toList();
        return of.all() ? narrowest(each) : union(each);
      }
      return null;
    }

    private static Set<String> selection(Selection s) {
      if (s instanceof Selection.AllFields f) {
        List<Set<String>> each = new ArrayList<>();
        for (FieldTest t : f.tests()) {
          List<String> exact = t.path().name().equals("eventName") ? t.exactValues() : null;
          each.add(exact == null ? null : new HashSet<>(exact));
        }
        return narrowest(each);
      }
      if (s instanceof Selection.AnyOf a) {
        return union(a.alternatives().stream().map(EventNames::selection).toList());
      }
      return null;
    }

    private static Set<String> narrowest(List<Set<String>> sets) {
      Set<String> best = null;
      for (Set<String> s : sets) {
        if (s != null && (best == null || s.size() < best.size())) {
          best = s;
        }
      }
      return best;
    }

    private static Set<String> union(List<Set<String>> sets) {
      Set<String> out = new HashSet<>();
      for (Set<String> s : sets) {
        if (s == null) {
          return null;
        }
        out.addAll(s);
      }
      return out;
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
