package io.custody.analyzer.memory;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Debian's {@code yara} over a raw file with every {@code .yar}/{@code .yara} rule file of a
 * folder and reads back each match with its string offsets ({@code yara -s}). Rules are the
 * examiner's; the file is the evidence (read only).
 */
final class YaraScan {

  private static final Pattern RULE_LINE = Pattern.compile("^(\\S+) (.+)$");
  private static final Pattern STRING_LINE = Pattern.compile("^0x([0-9a-fA-F]{1,16}):(\\$[A-Za-z0-9_]*):? ?(.*)$");

  private YaraScan() {}

  /** A rule's match at a file offset. */
  record Hit(String rule, String string, long fileOffset, String data) {}

  static List<Path> rules(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("Failed to use --yara '" + dir + "': not a folder");
    }
    try (Stream<Path> s = Files.walk(dir, 4)) {
      List<Path> out = s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yar") || p.toString().endsWith(".yara")).sorted().toList();
      if (out.isEmpty()) {
        throw new InvalidInputException("Failed to use --yara '" + dir + "': no .yar or .yara files in it");
      }
      return out;
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read --yara '" + dir + "': " + e.getMessage(), e);
    }
  }

  static List<Hit> scan(List<Path> rules, Path target, Path scratch) {
    List<String> cmd = new ArrayList<>(List.of("yara", "-s", "-w", "-N"));
    rules.forEach(r -> cmd.add(r.toString()));
    cmd.add(target.toString());
    try {
      Path out = Files.createTempFile(scratch, "yara-", ".out");
      try {
        ProcessRunner.of(cmd).stdoutTo(out).timeout(Duration.ofHours(6)).debianPackage("yara").check();
        return parse(Files.readAllLines(out, StandardCharsets.UTF_8), target.toString());
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new HostException("Failed to read yara's output: " + e.getMessage(), e);
    }
  }

  static List<Hit> parse(List<String> lines, String target) {
    List<Hit> out = new ArrayList<>();
    String rule = null;
    for (String line : lines) {
      Matcher s = STRING_LINE.matcher(line);
      if (s.matches() && rule != null) {
        String data = s.group(3);
        out.add(new Hit(rule, s.group(2), Long.parseUnsignedLong(s.group(1), 16), data.length() > 200 ? data.substring(0, 200) : data));
        continue;
      }
      Matcher r = RULE_LINE.matcher(line);
      if (r.matches() && r.group(2).equals(target)) {
        rule = r.group(1);
        if (out.stream().noneMatch(h -> h.rule().equals(r.group(1)) && h.string() == null)) {
          out.add(new Hit(rule, null, -1, null));
        }
      }
    }
    return out;
  }
}
