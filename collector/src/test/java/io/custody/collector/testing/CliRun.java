package io.custody.collector.testing;

import io.custody.collector.cli.CustodyCli;
import io.custody.evidence.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the custody CLI in-process against the emulator and captures stdout and stderr (picocli's
 * writers and System.err, where playbooks print their step tables).
 */
public record CliRun(int exit, String out, String err) {

  /** Adds --home and, for AWS commands, --endpoint-url and --region. */
  public static CliRun aws(Path home, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--home", home.toString(), "--endpoint-url", MotoServer.endpoint().toString(), "--region", MotoServer.REGION));
    return run(all.toArray(String[]::new));
  }

  public static synchronized CliRun run(String... args) {
    PrintStream realErr = System.err;
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    // Replace System.err before picocli is built: its default strategy remembers the System.err it saw.
    System.setErr(new PrintStream(progress, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = CustodyCli.commandLine(args);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      int exit = cl.execute(args);
      return new CliRun(exit, out.toString(), err + progress.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(realErr);
    }
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
  }
}
