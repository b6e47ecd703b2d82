package io.custody.collector.cli;

import io.custody.evidence.cli.VerifyMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Writes docs/cli.md: every command and subcommand of {@code custody} (the command line {@link
 * CustodyCli#commandLine} builds with all commands) and {@code custody-verify} ({@link
 * VerifyMain#commandLine}), each with its usage help exactly as {@code --help} prints it at a fixed
 * width of {@value #WIDTH} columns, and a table of contents. Hidden commands stay hidden.
 *
 * <p>Run by scripts/cli-reference; {@code CliReferenceTest} fails while docs/cli.md and the code
 * disagree.
 */
public final class CliReference {

  /** The usage width: fixed, so the text does not depend on the terminal. */
  static final int WIDTH = 100;

  private CliReference() {}

  /** @param args the file to write (default: print to stdout) */
  public static void main(String[] args) throws IOException {
    String md = markdown();
    if (args.length == 0) {
      System.out.print(md);
    } else {
      Files.writeString(Path.of(args[0]), md, StandardCharsets.UTF_8);
    }
  }

  /** The whole of docs/cli.md. */
  public static String markdown() {
    List<Entry> all = new ArrayList<>();
    collect(fixedWidth(CustodyCli.commandLine()), 0, all);
    collect(fixedWidth(VerifyMain.commandLine()), 0, all);
    StringBuilder md = new StringBuilder();
    md.append("# Command-line reference\n\n");
    md.append("Every command of `custody` and of the standalone verifier `custody-verify`, with its usage help\n");
    md.append("exactly as `--help` prints it (at a width of ").append(WIDTH).append(" columns). Generated from the commands'\n");
    md.append("picocli model by `scripts/cli-reference`; do not edit by hand (`CliReferenceTest` fails while this\n");
    md.append("file and the code disagree). Exit codes, output conventions and a walk-through are in the\n");
    md.append("[README](../README.md); deploying on a real workstation in [deploy.md](deploy.md).\n\n");
    md.append("## Contents\n\n");
    Map<String, Integer> anchors = new HashMap<>();
    for (Entry e : all) {
      // GitHub numbers repeated anchors: custody verify and custody-verify are both "custody-verify".
      String a = anchor(e.name);
      int n = anchors.merge(a, 1, Integer::sum);
      md.append("  ".repeat(e.depth)).append("- [").append(e.name).append("](#").append(n == 1 ? a : a + "-" + (n - 1)).append(")\n");
    }
    for (Entry e : all) {
      md.append("\n## ").append(e.name).append("\n\n```text\n");
      md.append(e.help.stripTrailing()).append("\n```\n");
    }
    return md.toString();
  }

  private record Entry(String name, int depth, String help) {}

  private static CommandLine fixedWidth(CommandLine cl) {
    cl.setUsageHelpAutoWidth(false);
    cl.setUsageHelpWidth(WIDTH);
    return cl;
  }

  /** Depth first, in the order help lists the subcommands; an alias is not a command of its own. */
  private static void collect(CommandLine cl, int depth, List<Entry> out) {
    out.add(new Entry(cl.getCommandSpec().qualifiedName(), depth, cl.getUsageMessage(CommandLine.Help.Ansi.OFF)));
    Map<CommandLine, Boolean> seen = new IdentityHashMap<>();
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (seen.put(sub, Boolean.TRUE) == null && !sub.getCommandSpec().usageMessage().hidden()) {
        collect(sub, depth + 1, out);
      }
    }
  }

  /** The anchor GitHub gives a heading: lower case, spaces to hyphens, other punctuation dropped. */
  static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }
}
