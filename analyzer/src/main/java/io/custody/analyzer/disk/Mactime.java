package io.custody.analyzer.disk;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A timeline CSV with exactly the rows {@code mactime -b BODYFILE -d} (The Sleuth Kit 4.11) prints
 * with {@code TZ=UTC}: one row per (time, inode, name) with its {@code macb} letters, sorted as
 * mactime sorts (by the text "time,inode,name"), each row carrying the mode, owner and size of the
 * last bodyfile line of that name, as mactime does. Bytes of names pass through unchanged.
 *
 * <p>Custody adds a last column, Source ({@code bodyfile} on these rows), and rows for what the host's
 * logs say happened ({@link #write(List, List, Path)}).
 *
 * <p>One difference, on purpose: a time of 0 (the file system recorded none: ext2/3 have no birth
 * time, a cleared inode has none at all) is written as {@code 0}, where mactime writes the malformed
 * date {@code Xxx Xxx 00 0000 00:00:00} that spreadsheets and timeline tools cannot read. Every other
 * byte is mactime's.
 */
public final class Mactime {

  private static final Pattern ESCAPE = Pattern.compile("%([A-Fa-f0-9]{2})");
  private static final Pattern WHITESPACE = Pattern.compile("\\s");
  private static final String[] DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  /** One timeline key and its activity letters (bit 0 m, 1 a, 2 c, 3 b). */
  private record Row(String key, String time, String inode, String file, int[] letters, String source) {

    Row(String key, String time, String inode, String file, int[] letters) {
      this(key, time, inode, file, letters, null);
    }
  }

  private Mactime() {}

  /**
   * Writes the timeline of the bodyfiles (read in order, as if concatenated).
   *
   * @return the number of rows
   */
  public static long write(List<Path> bodyfiles, Path out) throws IOException {
    return write(bodyfiles, List.of(), out);
  }

  /**
   * Writes the timeline of the bodyfiles and the host's events in one time order: each row ends with
   * a Source column ({@code bodyfile} for the rows mactime would print; for an event, where it was
   * read, e.g. {@code p1:/var/log/auth.log:123}); an event's row has Type {@code log}, Size 0, and
   * its description as File Name; at the same second, file rows come first.
   *
   * @return the number of rows
   */
  public static long write(List<Path> bodyfiles, List<HostEvent> events, Path out) throws IOException {
    Map<String, Row> rows = new HashMap<>();
    Map<String, String> other = new HashMap<>();
    for (Path b : bodyfiles) {
      try (BufferedReader r = Files.newBufferedReader(b, StandardCharsets.ISO_8859_1)) {
        String line;
        while ((line = r.readLine()) != null) {
          read(line, rows, other);
        }
      }
    }
    List<Row> sorted = new ArrayList<>(rows.values());
    int n = 0;
    for (HostEvent e : events) {
      if (e.epoch() <= 0) {
        continue;
      }
      String t = pad(Long.toString(e.epoch()));
      String key = t + ",~" + String.format("%09d", n++); // '~' after every inode character: files first at the same second
      sorted.add(new Row(key, t, null, latin1(e.describe()), new int[] {0}, latin1(e.source())));
    }
    sorted.sort((x, y) -> x.key.compareTo(y.key));
    try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.ISO_8859_1), 1 << 16)) {
      w.write("Date,Size,Type,Mode,UID,GID,Meta,File Name,Source\n");
      String lastTime = null;
      String lastDate = null;
      for (Row row : sorted) {
        if (!row.time.equals(lastTime)) {
          lastTime = row.time; // rows come sorted by time: consecutive rows share their date text
          lastDate = date(row.time);
        }
        if (row.source != null) {
          w.write(lastDate + ",0,log,,,,,\"" + row.file.replace("\"", "\"\"") + "\",\"" + row.source.replace("\"", "\"\"") + "\"\n");
          continue;
        }
        String[] o = other.get(row.file).split(":", -1);
        String ls = o.length > 0 ? o[0] : "";
        String uid = o.length > 1 ? o[1] : "";
        String gid = o.length > 2 ? o[2] : "";
        String size = o.length > 3 ? o[3] : "";
        int l = row.letters[0];
        String macb = ((l & 1) != 0 ? "m" : ".") + ((l & 2) != 0 ? "a" : ".") + ((l & 4) != 0 ? "c" : ".") + ((l & 8) != 0 ? "b" : ".");
        w.write(lastDate + "," + size + "," + macb + "," + ls + "," + uid + "," + gid + "," + row.inode + ",\"" + row.file.replace("\"", "\"\"") + "\",bodyfile\n");
      }
    }
    return sorted.size();
  }

  private static void read(String line, Map<String, Row> rows, Map<String, String> other) {
    if (line.startsWith("#") || (!line.isEmpty() && line.isBlank())) {
      return;
    }
    String[] f = perlSplit(line);
    if (f.length < 11) {
      return;
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = unescape(f[i]);
    }
    String file = f[1];
    String ino = f[2];
    String ls = f[3];
    String uid = f[4];
    String gid = f[5];
    String size = f[6];
    if (!hasInodeChar(ino) || !hasDigit(uid) || !hasDigit(gid) || !hasDigit(size)) {
      return;
    }
    String[] times = {f[8], f[7], f[9], f[10]}; // m, a, c, b
    for (String t : times) {
      if (!hasDigit(t)) {
        return;
      }
    }
    boolean inodeOk = allInodeChars(ino);
    if (falsy(f[7]) && falsy(f[8]) && falsy(f[9]) && falsy(f[10])) {
      return;
    }
    for (int i = 0; i < 4; i++) {
      String t = pad(times[i]);
      String key = t + "," + ino + "," + file;
      if (t.startsWith("-") || !inodeOk) {
        continue; // mactime's printing pattern (^\d+,[\d-]+,) drops these rows
      }
      rows.computeIfAbsent(key, k -> new Row(k, t, ino, file, new int[1])).letters[0] |= 1 << i;
    }
    other.put(file, ls + ":" + slashSpaces(uid) + ":" + slashSpaces(gid) + ":" + size);
  }

  /** Text for the ISO-8859-1 file: characters beyond it escaped as \\uXXXX. */
  private static String latin1(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0xff) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean hasDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        return true;
      }
    }
    return false;
  }

  private static boolean hasInodeChar(String s) {
    return hasDigit(s) || s.indexOf('-') >= 0;
  }

  private static boolean allInodeChars(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static String slashSpaces(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return WHITESPACE.matcher(s).replaceAll("/");
      }
    }
    return s;
  }

  /** Perl's split on '|': every field, trailing empty ones dropped. */
  private static String[] perlSplit(String line) {
    String[] f = line.split("\\|", -1);
    int n = f.length;
    while (n > 0 && f[n - 1].isEmpty()) {
      n--;
    }
    return java.util.Arrays.copyOf(f, n);
  }

  private static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    Matcher m = ESCAPE.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Perl truth: "" and "0" are false. */
  private static boolean falsy(String s) {
    return s.isEmpty() || s.equals("0");
  }

  /** sprintf("%.10d") of Perl's numeric value of the field (leading digits). */
  private static String pad(String s) {
    long v = 0;
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean neg = i < s.length() && s.charAt(i) == '-';
    if (neg) {
      i++;
    }
    int digits = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && digits < 18) {
      v = v * 10 + (s.charAt(i++) - '0');
      digits++;
    }
    String d = Long.toString(v);
    String padded = d.length() >= 10 ? d : "0000000000".substring(d.length()) + d;
    return neg && v != 0 ? "-" + padded : padded;
  }

  private static String date(String padded) {
    long t = Long.parseLong(padded);
    if (t == 0) {
      return "0"; // no time recorded (ext2/3 have no birth time; a cleared inode): mactime's "Xxx Xxx 00 0000 00:00:00" is not a date
    }
    ZonedDateTime d = Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC);
    // "%s %s %02d %d %02d:%02d:%02d", built by hand: String.format is the slowest part of a million rows
    StringBuilder b = new StringBuilder(24).append(DAYS[d.getDayOfWeek().getValue() % 7]).append(' ').append(MONTHS[d.getMonthValue() - 1])
        .append(' ');
    two(b, d.getDayOfMonth()).append(' ').append(d.getYear()).append(' ');
    two(b, d.getHour()).append(':');
    two(b, d.getMinute()).append(':');
    return two(b, d.getSecond()).toString();
  }

  private static StringBuilder two(StringBuilder b, int v) {
    return (v < 10 ? b.append('0') : b).append(v);
  }
}
