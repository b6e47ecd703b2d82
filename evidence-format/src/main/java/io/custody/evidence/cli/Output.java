package io.custody.evidence.cli;

import io.custody.evidence.ExitCode;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * What a command produced: the value printed as one JSON document with {@code --json}, how to print
 * it for people otherwise, and what it means to a script.
 *
 * @param value serialised with the evidence format's JSON configuration
 * @param text writes the human form (results only: messages go to stderr)
 * @param exit {@link ExitCode#OK}, {@link ExitCode#FINDINGS}, {@link ExitCode#PARTIAL}, …
 */
public record Output(Object value, Consumer<PrintWriter> text, ExitCode exit) {

  public static Output ok(Object value, Consumer<PrintWriter> text) {
    return new Output(value, text, ExitCode.OK);
  }

  /** The same output with another meaning. */
  public Output exit(ExitCode code) {
    return new Output(value, text, code);
  }
}
