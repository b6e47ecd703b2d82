package io.custody.evidence.custody;

import io.custody.evidence.Sha256;
import java.util.List;
import java.util.Optional;

/**
 * The result of checking a custody chain.
 *
 * @param entries the entries that parsed, in file order
 * @param problems every problem found; empty when the chain is intact
 * @param head SHA-256 of the last entry file's bytes ({@link Sha256#ZERO} for an empty log)
 * @param count number of entry files
 */
public record ChainReport(List<CustodyEntry> entries, List<ChainProblem> problems, Sha256 head, int count) {

  public ChainReport {
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
  }

  public boolean intact() {
    return problems.isEmpty();
  }

  /** The torn last entry, when that is the (only) kind of problem at the end of the log. */
  public Optional<ChainProblem> torn() {
    return problems.stream().filter(ChainProblem::torn).findFirst();
  }
}
