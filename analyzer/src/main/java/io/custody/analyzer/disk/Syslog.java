package io.custody.analyzer.disk;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lines of a syslog file ({@code auth.log}, {@code secure}, {@code messages}) in the two formats
 * rsyslog writes: the traditional {@code Mar  1 12:00:00 host prog[pid]: message} (no year, local
 * time) and the high-precision RFC 3339 {@code 2026-03-01T12:00:00.123456+00:00 host prog[pid]:
 * message} (Ubuntu ≥ 23.10, Debian 12 with rsyslog's default template). Every time becomes UTC.
 *
 * <p>The year of a traditional line is inferred: the file's last line is taken to be in the year of
 * the file's modification time (the year before when its month is later than that time's month), and
 * going back through the file, each time the month goes up (January read after December) the year goes
 * down by one. The zone is the image's own ({@code /etc/timezone}, else where {@code /etc/localtime}
 * links), else UTC, as the caller says.
 */
final class Syslog {

  /** The longest line kept; longer ones are cut (and the cut said). */
  static final int MAX_LINE = 8192;

  private static final Pattern TRADITIONAL = Pattern.compile("^([A-Z][a-z]{2}) ([ 0-9]\\d) (\\d\\d):(\\d\\d):(\\d\\d) (\\S+) (.*)$");
  private static final Pattern RFC3339 = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?(?:Z|[+-]\\d\\d:\\d\\d)) (\\S+) (.*)$");
  private static final Pattern TAG = Pattern.compile("^([^\\s\\[:]{1,64})(?:\\[(\\d{1,10})\\])?: ?(.*)$");
  private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

  /**
   * One line.
   *
   * @param number the line number in its file, from 1
   * @param epoch the time in seconds (UTC), or Long.MIN_VALUE when the line has none
   * @param yearInferred the year was not in the line
   */
  record Line(int number, long epoch, boolean yearInferred, String host, String program, String pid, String message) {}

  private Syslog() {}

  /**
   * @param modified the file's modification time (epoch seconds), for the year of traditional lines
   * @param zone the zone the host wrote its local times in
   */
  static List<Line> parse(String text, long modified, ZoneId zone) {
    List<Line> out = new ArrayList<>();
    List<int[]> traditional = new ArrayList<>(); // index in out, month, day, h, m, s
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.length() > MAX_LINE) {
        l = l.substring(0, MAX_LINE);
      }
      if (l.isEmpty()) {
        continue;
      }
      Matcher r = RFC3339.matcher(l);
      if (r.matches()) {
        long t;
        try {
          t = OffsetDateTime.parse(r.group(1)).toEpochSecond();
        } catch (DateTimeParseException e) {
          t = Long.MIN_VALUE;
        }
        out.add(tagged(i + 1, t, false, r.group(2), r.group(3)));
        continue;
      }
      Matcher m = TRADITIONAL.matcher(l);
      if (m.matches() && MONTHS.contains(m.group(1))) {
        traditional.add(new int[] {out.size(), MONTHS.indexOf(m.group(1)) + 1, Integer.parseInt(m.group(2).strip()),
            Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))});
        out.add(tagged(i + 1, Long.MIN_VALUE, true, m.group(6), m.group(7)));
        continue;
      }
      out.add(new Line(i + 1, Long.MIN_VALUE, false, "", "", null, l));
    }
    if (!traditional.isEmpty()) {
      ZonedDateTime mod = java.time.Instant.ofEpochSecond(modified).atZone(zone);
      int year = mod.getYear();
      int last = traditional.get(traditional.size() - 1)[1];
      if (last > mod.getMonthValue()) {
        year--;
      }
      int next = last;
      for (int k = traditional.size() - 1; k >= 0; k--) {
        int[] f = traditional.get(k);
        if (f[1] > next) {
          year--; // going back in time the month went up: the year before
        }
        next = f[1];
        long t;
        try {
          t = LocalDateTime.of(year, f[1], f[2], f[3], f[4], f[5]).atZone(zone).toEpochSecond();
        } catch (java.time.DateTimeException e) {
          t = Long.MIN_VALUE; // Feb 29 in a year without it, or a day that does not exist
        }
        Line x = out.get(f[0]);
        out.set(f[0], new Line(x.number(), t, true, x.host(), x.program(), x.pid(), x.message()));
      }
    }
    return out;
  }

  private static Line tagged(int number, long t, boolean inferred, String host, String rest) {
    Matcher tag = TAG.matcher(rest);
    if (tag.matches()) {
      return new Line(number, t, inferred, host, tag.group(1).toLowerCase(Locale.ROOT), tag.group(2), tag.group(3));
    }
    return new Line(number, t, inferred, host, "", null, rest);
  }
}
