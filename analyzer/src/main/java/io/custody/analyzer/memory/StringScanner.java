package io.custody.analyzer.memory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in one streaming pass over raw memory, runs of printable ASCII (like {@code strings -n 6})
 * and keeps three kinds: Linux kernel banners ({@code Linux version …}), network-looking strings
 * (IPv4 addresses with optional port, URLs) and process-looking strings (executables under a bin or
 * sbin folder, with their arguments). Each distinct string is kept with its count and first file
 * offset; memory is bounded by a cap on distinct strings per kind.
 */
final class StringScanner {

  static final int MIN = 6;
  static final int MAX = 512;
  static final int MAX_DISTINCT = 50_000;

  private static final Pattern BANNER = Pattern.compile("Linux version \\d+\\.\\d+[^\\x00]{0,400}");
  private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])((?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3})(:\\d{1,5})?(?![\\d.])");
  private static final Pattern URL = Pattern.compile("(?:https?|ftp|tcp|udp|wss?)://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]{3,300}");
  private static final Pattern PROCESS = Pattern.compile("(?:/usr|/usr/local)?/s?bin/[A-Za-z0-9._+-]{1,64}(?: [ -~]{0,200})?");

  private final byte[] run = new byte[MAX];
  private int len;
  private long runStart;
  private long offset;
  final Kind banners = new Kind();
  final Kind network = new Kind();
  final Kind processes = new Kind();

  /** Distinct strings of one kind with their counts and first offsets. */
  static final class Kind {
    final Map<String, long[]> seen = new LinkedHashMap<>();
    long dropped;

    void add(String s, long at) {
      long[] v = seen.get(s);
      if (v != null) {
        v[0]++;
      } else if (seen.size() < MAX_DISTINCT) {
        seen.put(s, new long[] {1, at});
      } else {
        dropped++;
      }
    }

    /** The most frequent first, at most {@code limit}. */
    List<Map.Entry<String, long[]>> top(int limit) {
      List<Map.Entry<String, long[]>> all = new ArrayList<>(seen.entrySet());
      all.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0]).thenComparingLong(e -> e.getValue()[1]));
      return all.subList(0, Math.min(limit, all.size()));
    }
  }

  void update(byte[] b, int off, int n) {
    for (int i = off; i < off + n; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        if (len == 0) {
          runStart = offset + (i - off);
        }
        if (len < MAX) {
          run[len++] = (byte) c;
        } else {
          flush();
          runStart = offset + (i - off);
          run[len++] = (byte) c;
        }
      } else if (len > 0) {
        flush();
      }
    }
    offset += n;
  }

  void finish() {
    flush();
  }

  private void flush() {
    if (len >= MIN) {
      classify(new String(run, 0, len, StandardCharsets.US_ASCII), runStart);
    }
    len = 0;
  }

  private void classify(String s, long at) {
    int v = s.indexOf("Linux version ");
    if (v >= 0) {
      Matcher m = BANNER.matcher(s);
      if (m.find(v)) {
        banners.add(m.group().strip(), at + m.start());
      }
    }
    if (s.indexOf('.') >= 0) {
      Matcher m = IPV4.matcher(s);
      while (m.find()) {
        String ip = m.group();
        if (!ip.startsWith("0.") && !ip.equals("255.255.255.255")) {
          network.add(ip, at + m.start());
        }
      }
    }
    if (s.indexOf("://") >= 0) {
      Matcher m = URL.matcher(s);
      while (m.find()) {
        network.add(m.group(), at + m.start());
      }
    }
    if (s.indexOf("bin/") >= 0) {
      Matcher m = PROCESS.matcher(s);
      if (m.find() && (m.start() == 0 || s.charAt(m.start() - 1) == ' ' || s.charAt(m.start() - 1) == '=')) {
        processes.add(m.group().strip(), at + m.start());
      }
    }
  }
}
