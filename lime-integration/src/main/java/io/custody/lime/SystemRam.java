package io.custody.lime;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The System RAM ranges of a host, read from {@code /proc/iomem}: the top-level (unindented) lines
 * named {@code System RAM}, in file order, exactly the ranges LiME writes one header for. Nested
 * {@code System RAM} lines (a crash kernel's reservation) are inside a top-level one and skipped.
 */
public final class SystemRam {

  /** No real /proc/iomem is near this size. */
  public static final int MAX_BYTES = 1 << 20;
  private static final int MAX_RANGES = LimeParser.MAX_RANGES;
  private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16}) : (.*)");

  private SystemRam() {}

  /**
   * @throws InvalidInputException when the file is too large, unreadable or not /proc/iomem
   */
  public static List<PhysRange> read(Path iomem) {
    try (InputStream in = Files.newInputStream(iomem)) {
      byte[] b = in.readNBytes(MAX_BYTES + 1);
      if (b.length > MAX_BYTES) {
        throw new InvalidInputException("Failed to read /proc/iomem copy '" + iomem + "': larger than " + MAX_BYTES + " bytes");
      }
      return parse(new String(b, StandardCharsets.UTF_8), iomem.toString());
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read /proc/iomem copy '" + iomem + "': " + e.getMessage(), e);
    }
  }

  /**
   * @param source names the text in messages
   * @throws InvalidInputException naming the line of the first problem
   */
  public static List<PhysRange> parse(String text, String source) {
    List<PhysRange> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    boolean anyLine = false;
    boolean nonZero = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith(" ") || line.startsWith("\t")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new InvalidInputException("Failed to parse /proc/iomem '" + source + "' line " + (i + 1) + ": '"
            + Printable.of(line) + "' is not 'start-end : name'");
      }
      anyLine = true;
      long start = Long.parseUnsignedLong(m.group(1), 16);
      long end = Long.parseUnsignedLong(m.group(2), 16);
      nonZero |= start != 0 || end != 0;
      if (!"System RAM".equals(m.group(3).trim())) {
        continue;
      }
      if (start < 0 || end < 0 || start > end) {
        throw new InvalidInputException("Failed to parse /proc/iomem '" + source + "' line " + (i + 1) + ": bad range " + Printable.of(line));
      }
      if (out.size() == MAX_RANGES) {
        throw new InvalidInputException("Failed to parse /proc/iomem '" + source + "': more than " + MAX_RANGES + " System RAM ranges");
      }
      out.add(new PhysRange(start, end));
    }
    if (!anyLine) {
      throw new InvalidInputException("Failed to parse /proc/iomem '" + source + "': no ranges");
    }
    if (!nonZero) {
      throw new InvalidInputException("Failed to parse /proc/iomem '" + source + "': every address is zero (it was read without root)");
    }
    return List.copyOf(out);
  }
}
