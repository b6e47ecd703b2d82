package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway.ListedObject;
import io.custody.evidence.ByteSize;
import io.custody.evidence.InvalidInputException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sorts a bucket listing into the CloudTrail log files to acquire and what is left out, by the key
 * layout CloudTrail delivers to: {@code [PREFIX/]AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/FILE}
 * ({@code .json.gz}, or {@code .json}). Left out, and counted: digest files ({@code CloudTrail-Digest/},
 * the log-validation chain, not events), Insights events ({@code CloudTrail-Insight/}), other services'
 * logs under {@code AWSLogs/} (Config, flow logs, …), objects that are not {@code .json}/{@code .json.gz},
 * and, with {@code since}/{@code until}, log files filed under another date. A {@code .json(.gz)}
 * object outside the layout is kept whatever the dates ("undated": the date filter cannot apply).
 * Bounded: at most {@code maxObjects} kept, none larger than {@code maxObjectSize}.
 */
final class TrailListing implements Consumer<ListedObject> {

  /** Why an object was left out. */
  enum Skip {
    DIGEST("digest"),
    INSIGHT("insight"),
    OTHER_SERVICE("other_service"),
    NOT_JSON("not_json"),
    OUTSIDE_DATES("outside_dates");

    final String label;

    Skip(String label) {
      this.label = label;
    }
  }

  /** An object to acquire, with the date its key files it under (null outside the layout). */
  record Kept(ListedObject object, LocalDate keyDate) {}

  private static final Pattern LAYOUT = Pattern.compile("(?:.*/)?AWSLogs/(?:o-[a-z0-9]{10,32}/)?\\d{12}/([^/]+)/(.*)");
  private static final Pattern DATED = Pattern.compile("[a-z0-9-]+/(\\d{4})/(\\d{2})/(\\d{2})/[^/]+");

  private final LocalDate since;
  private final LocalDate until;
  private final long maxObjectSize;
  private final int maxObjects;
  private final List<Kept> kept = new ArrayList<>();
  private final Map<Skip, Long> skipped = new EnumMap<>(Skip.class);
  private final List<String> tooLarge = new ArrayList<>();
  private long listed;
  private long undated;
  private long bytes;

  TrailListing(LocalDate since, LocalDate until, long maxObjectSize, int maxObjects) {
    this.since = since;
    this.until = until;
    this.maxObjectSize = maxObjectSize;
    this.maxObjects = maxObjects;
  }

  @Override
  public void accept(ListedObject o) {
    listed++;
    String key = o.key();
    String lower = key.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".json.gz") && !lower.endsWith(".json")) {
      skip(Skip.NOT_JSON);
      return;
    }
    LocalDate date = null;
    Matcher m = LAYOUT.matcher(key);
    if (m.matches()) {
      switch (m.group(1)) {
        case "CloudTrail" -> date = keyDate(m.group(2));
        case "CloudTrail-Digest" -> {
          skip(Skip.DIGEST);
          return;
        }
        case "CloudTrail-Insight" -> {
          skip(Skip.INSIGHT);
          return;
        }
        default -> {
          skip(Skip.OTHER_SERVICE);
          return;
        }
      }
    }
    if (date != null && (since != null && date.isBefore(since) || until != null && date.isAfter(until))) {
      skip(Skip.OUTSIDE_DATES);
      return;
    }
    if (date == null) {
      undated++;
    }
    if (o.size() > maxObjectSize) {
      if (tooLarge.size() < 5) {
        tooLarge.add("'" + key + "' (" + ByteSize.format(o.size()) + ")");
      }
      return;
    }
    if (kept.size() >= maxObjects) {
      throw new InvalidInputException("Failed to acquire CloudTrail: more than " + maxObjects + " log files match; narrow it with "
          + "--since/--until or a longer --prefix (one account or region) and acquire it in several runs");
    }
    kept.add(new Kept(o, date));
    bytes += Math.max(0, o.size());
  }

  /** The date in the key's {@code REGION/YYYY/MM/DD/} part, or null when it has none. */
  private static LocalDate keyDate(String rest) {
    Matcher d = DATED.matcher(rest);
    if (!d.matches()) {
      return null;
    }
    try {
      return LocalDate.of(Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)), Integer.parseInt(d.group(3)));
    } catch (DateTimeException e) {
      return null;
    }
  }

  private void skip(Skip why) {
    skipped.merge(why, 1L, Long::sum);
  }

  /**
   * @throws InvalidInputException when an object is larger than the cap
   */
  void checkSizes() {
    if (!tooLarge.isEmpty()) {
      throw new InvalidInputException("Failed to acquire CloudTrail: refusing object(s) larger than " + ByteSize.format(maxObjectSize)
          + " (CloudTrail delivers files of a few MiB; these are not what CloudTrail writes): " + String.join(", ", tooLarge)
          + " (raise --max-object-size to take them)");
    }
  }

  List<Kept> kept() {
    return kept;
  }

  long listed() {
    return listed;
  }

  /** Kept objects outside the CloudTrail key layout. */
  long undated() {
    return undated;
  }

  /** Listed bytes of the kept objects. */
  long bytes() {
    return bytes;
  }

  /** Objects left out, by reason label, in a fixed order; reasons with none are listed as 0. */
  Map<String, Long> skipped() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (Skip s : Skip.values()) {
      out.put(s.label, skipped.getOrDefault(s, 0L));
    }
    return out;
  }
}
