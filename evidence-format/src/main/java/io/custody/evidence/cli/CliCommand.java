package io.custody.evidence.cli;

import io.custody.evidence.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command: it parses its options (picocli), calls one service in {@link #run()}, and this class
 * renders the result (text, or one JSON document with {@code --json}) on stdout and returns its exit
 * code. Failures are exceptions, turned into exit codes by {@link ExitCodes}.
 */
public abstract class CliCommand implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  @Option(names = "--json", description = "Print the result as one JSON document on stdout.")
  protected boolean json;

  /** Does the command's work. */
  protected abstract Output run();

  @Override
  public final Integer call() {
    Output o = run();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writeString(o.value()));
    } else {
      o.text().accept(out);
    }
    out.flush();
    return o.exit().code();
  }

  /** stderr, for messages to the examiner (never results). */
  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * The command line as typed, for the case's tool log, with what a URL may carry that must never be
   * written down (user and password, query strings such as presigned signatures) replaced by ***.
   */
  protected String commandLine() {
    return spec.root().name() + " " + redact(String.join(" ", spec.commandLine().getParseResult().originalArgs()));
  }

  /** {@code text} with every URL's userinfo and query string replaced by ***. */
  static String redact(String text) {
    return io.custody.evidence.Secrets.redactUrls(text);
  }
}
