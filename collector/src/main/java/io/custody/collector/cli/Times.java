package io.custody.collector.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The one parser of times and durations on the command line. A time is a UTC date ({@code
 * 2026-03-01}), or an RFC 3339 time with a zone ({@code 2026-03-01T10:00:00Z}, {@code
 * 2026-03-01T12:00:00+02:00}) or without one ({@code 2026-03-01T10:00}, taken as UTC, and said so on
 * stderr). A duration is a number and a unit: {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}.
 */
final class Times {

  static final String ACCEPTED = "a date (2026-03-01, UTC) or an RFC 3339 time (2026-03-01T10:00:00Z; without a zone, UTC)";
  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})\\s*([smhd])?", Pattern.CASE_INSENSITIVE);

  private Times() {}

  /** {@code --since}/{@code --until} and every other point in time. */
  static final class Point implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return parse(value);
    }
  }

  /** {@code --timeout} and every other duration. */
  static final class Span implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Matcher m = DURATION.matcher(value.strip());
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: expected a number and s, m, h or d, e.g. 90s, 30m, 2h");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT)) {
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofSeconds(n);
      };
    }
  }

  static Instant parse(String value) {
    String v = value.strip();
    try {
      if (v.length() == 10) {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException zoneless) {
        Instant t = LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        System.err.println("custody: note: '" + v + "' has no time zone: taken as UTC (" + t + ")");
        return t;
      }
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a time: expected " + ACCEPTED);
    }
  }
}
