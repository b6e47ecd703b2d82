package io.custody.collector.cli;

import io.custody.evidence.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** A point in time on the command line: RFC 3339 ({@code 2026-03-01T10:00:00Z}) or a UTC date ({@code 2026-03-01}). */
final class Times implements CommandLine.ITypeConverter<Instant> {

  @Override
  public Instant convert(String value) {
    return parse(value);
  }

  static Instant parse(String value) {
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("Failed to parse time '" + value + "': expected RFC 3339 (2026-03-01T10:00:00Z) or a date (2026-03-01)");
    }
  }
}
