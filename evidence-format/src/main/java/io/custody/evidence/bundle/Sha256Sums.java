package io.custody.evidence.bundle;

import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.workspace.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code SHA256SUMS} file: one {@code <hex>  <path>} line per sealed file, in byte order of the
 * path ({@code LC_ALL=C sort}), LF line ends; exactly what {@code sha256sum} writes and {@code
 * sha256sum -c} reads.
 */
public final class Sha256Sums {

  /** A bundle may list at most this many files. */
  public static final int MAX_LINES = 1_000_000;

  private Sha256Sums() {}

  /** A parse result: the entries that parsed and the problems of the others. */
  public record Parsed(Map<String, Sha256> entries, List<String> problems) {}

  public static byte[] write(Map<String, Sha256> files) {
    StringBuilder sb = new StringBuilder();
    // TreeMap of ASCII strings sorts like LC_ALL=C.
    new TreeMap<>(files).forEach((path, sha) -> sb.append(sha.hex()).append("  ").append(path).append('\n'));
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Parses strictly; every malformed, unsafe, duplicate or out-of-order line is a problem. */
  public static Parsed parse(byte[] bytes) {
    Map<String, Sha256> out = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      problems.add("does not end with a newline");
    }
    String[] lines = text.split("\n", -1);
    String previous = null;
    long offset = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (i == lines.length - 1 && line.isEmpty()) {
        break;
      }
      if (i >= MAX_LINES) {
        problems.add("more than " + MAX_LINES + " lines");
        break;
      }
      String where = "line " + (i + 1) + " (offset " + offset + ")";
      offset += line.length() + 1;
      if (line.length() < 67 || !line.substring(64, 66).equals("  ")) {
        problems.add(where + ": not '<sha256>  <path>'");
        continue;
      }
      String hex = line.substring(0, 64);
      String path = line.substring(66);
      if (!hex.matches("[0-9a-f]{64}")) {
        problems.add(where + ": not a lower-case SHA-256");
        continue;
      }
      if (!Names.isSafeRelativePath(path)) {
        problems.add(where + ": unsafe path '" + Printable.of(path) + "'");
        continue;
      }
      if (out.containsKey(path)) {
        problems.add(where + ": '" + path + "' is listed twice");
        continue;
      }
      if (previous != null && previous.compareTo(path) > 0) {
        problems.add(where + ": '" + path + "' is out of order (not LC_ALL=C sorted)");
      }
      previous = path;
      out.put(path, new Sha256(hex));
    }
    return new Parsed(out, problems);
  }
}
