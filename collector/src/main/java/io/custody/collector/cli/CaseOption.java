package io.custody.collector.cli;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.workspace.Case;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --case CASE} and {@code --home DIR}: the case a command works on. A few commands also take
 * the case as their first argument, as they did before {@code --case} was everywhere; that form still
 * works and says it is deprecated.
 */
final class CaseOption {

  @Mixin HomeOption home;

  @Option(names = "--case", paramLabel = "CASE", description = "The case id.")
  String id;

  /** The case id from {@code --case} or, deprecated, from a positional argument; one of them is required. */
  String id(String positional) {
    if (positional != null && id != null && !positional.equals(id)) {
      throw new InvalidInputException("Failed to choose the case: --case " + id + " and the argument " + positional + " differ");
    }
    if (id != null) {
      return id;
    }
    if (positional != null) {
      System.err.println("custody: note: giving the case as an argument is deprecated; use --case " + positional);
      return positional;
    }
    throw new InvalidInputException("Failed to choose the case: give --case CASE");
  }

  Case load() {
    return load(null);
  }

  Case load(String positional) {
    return home.store().load(id(positional));
  }
}
