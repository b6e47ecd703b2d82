package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.S3Gateway;
import io.custody.evidence.ByteSize;
import io.custody.evidence.CustodyException;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.PendingItem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code custody acquire cloudtrail}: the CloudTrail log files of a trail bucket become one log item
 * of the case. The story: record the intent (the item is reserved) → list every object under the
 * prefix → keep the CloudTrail log files (see {@link TrailListing}) → download each one, checked
 * (see {@link ObjectFetch}), into a POSIX tar that streams through the hashing engine into the case
 * ({@code cloudtrail.tar}, one entry per object named by its key, bytes exactly as stored) → add
 * {@code objects.json} (every object's key, size, ETag, version, time, SHA-256, MD5 check) → record
 * the outcome. Any failure removes what was written and records the failure.
 *
 * <p>Defaults: prefix {@value #DEFAULT_PREFIX}, no date filter, objects up to {@value #DEFAULT_MAX_OBJECT}
 * bytes, at most {@value #MAX_OBJECTS} objects per run.
 */
public final class CloudTrailAcquisition {

  public static final String DEFAULT_PREFIX = "AWSLogs/";
  public static final long DEFAULT_MAX_OBJECT = 1L << 30;
  /** Objects per run: objects.json and the listing stay in memory (about 0.5 KiB each). */
  public static final int MAX_OBJECTS = 250_000;
  static final String ARCHIVE = "cloudtrail.tar";
  static final String OBJECTS = "objects.json";

  private final Case kase;
  private final S3Gateway s3;
  private final ProgressListener progress;
  private final PrintStream log;

  public CloudTrailAcquisition(Case kase, AwsSession aws, ProgressListener progress, PrintStream log) {
    this(kase, aws.s3(), progress, log);
  }

  CloudTrailAcquisition(Case kase, S3Gateway s3, ProgressListener progress, PrintStream log) {
    this.kase = kase;
    this.s3 = s3;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.log = log;
  }

  /**
   * What to acquire.
   *
   * @param prefix null for {@value #DEFAULT_PREFIX}; "" for the whole bucket
   * @param since first date of the key layout to keep (inclusive), or null
   * @param until last date of the key layout to keep (inclusive), or null
   * @param maxObjectSize 0 for {@value #DEFAULT_MAX_OBJECT}
   */
  public record Request(String bucket, String prefix, LocalDate since, LocalDate until, long maxObjectSize) {
    public Request {
      if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new InvalidInputException("Failed to use bucket '" + bucket + "': not an S3 bucket name (3 to 63 of a-z 0-9 . -)");
      }
      prefix = prefix == null ? DEFAULT_PREFIX : prefix;
      if (since != null && until != null && since.isAfter(until)) {
        throw new InvalidInputException("Failed to use --since " + since + " and --until " + until + ": since is after until");
      }
      if (maxObjectSize < 0) {
        throw new InvalidInputException("Failed to use --max-object-size " + maxObjectSize + ": must be positive");
      }
      maxObjectSize = maxObjectSize == 0 ? DEFAULT_MAX_OBJECT : maxObjectSize;
    }

    /** The item's source id, {@code s3://BUCKET/PREFIX}. */
    public String sourceId() {
      return "s3://" + bucket + "/" + prefix;
    }
  }

  /**
   * What was acquired.
   *
   * @param listed objects under the prefix
   * @param objects objects in the archive
   * @param undated of those, objects outside the CloudTrail key layout (kept whatever the dates)
   * @param skipped objects left out, by reason (digest, insight, other_service, not_json, outside_dates)
   * @param md5Checked objects whose ETag was a plain MD5 and matched
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"item", "source", "since", "until", "listed", "objects", "bytes", "undated", "md5_checked", "md5_not_checked", "retried",
      "skipped"})
  public record Result(
      @JsonProperty("item") Item item,
      @JsonProperty("source") String source,
      @JsonProperty("since") String since,
      @JsonProperty("until") String until,
      @JsonProperty("listed") long listed,
      @JsonProperty("objects") long objects,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("undated") long undated,
      @JsonProperty("md5_checked") long md5Checked,
      @JsonProperty("md5_not_checked") long md5NotChecked,
      @JsonProperty("retried") long retried,
      @JsonProperty("skipped") Map<String, Long> skipped) {}

  /** {@code objects.json}: the run's request and listing, then one entry per archived object, in archive order. */
  @JsonPropertyOrder({"kind", "source", "bucket", "prefix", "since", "until", "listed", "skipped", "undated", "objects"})
  record ObjectsFile(
      @JsonProperty("kind") String kind,
      @JsonProperty("source") String source,
      @JsonProperty("bucket") String bucket,
      @JsonProperty("prefix") String prefix,
      @JsonProperty("since") String since,
      @JsonProperty("until") String until,
      @JsonProperty("listed") long listed,
      @JsonProperty("skipped") Map<String, Long> skipped,
      @JsonProperty("undated") long undated,
      @JsonProperty("objects") List<TrailObject> objects) {}

  /**
   * @throws InvalidInputException when nothing matches, an object is too large, or the bucket does not exist
   * @throws io.custody.evidence.AwsOperationException when S3 refuses (exit 3)
   * @throws io.custody.evidence.IntegrityException when an object's bytes twice disagree with its MD5 ETag
   */
  public Result acquire(Request req) {
    ItemSpec spec = ItemSpec.of(ItemType.LOG, req.sourceId(), ARCHIVE).folder("cloudtrail-" + req.bucket())
        .segmentSize(ItemType.DEFAULT_SEGMENT_SIZE).origin(origin(req));
    try (PendingItem pending = kase.begin(spec)) {
      Path work = kase.dir().resolve("work").resolve("cloudtrail-" + pending.id());
      try {
        TrailListing listing = list(req);
        Files.createDirectories(work);
        List<TrailObject> objects = new ArrayList<>();
        // about 2 KiB of headers and padding per entry on top of the objects' bytes
        long estimate = listing.bytes() + 2048L * listing.kept().size();
        pending.write(archive(req, listing, work.resolve("object"), objects), -1,
            (done, total) -> progress.progress(done, Math.max(done, estimate)));
        pending.addFile(OBJECTS, Json.write(objectsFile(req, listing, objects)));
        Result result = result(req, listing, objects, null);
        Item item = pending.commit(Outcome.SUCCEEDED, notes(result));
        return result(req, listing, objects, item);
      } catch (CustodyException e) {
        pending.fail(e.getMessage());
        throw e;
      } catch (IOException e) {
        pending.fail(e.getMessage());
        throw new HostException("Failed to acquire CloudTrail from '" + req.sourceId() + "': " + e.getMessage(), e);
      } finally {
        deleteWork(work);
      }
    }
  }

  private TrailListing list(Request req) {
    log.println("custody: listing " + req.sourceId());
    TrailListing listing = new TrailListing(req.since(), req.until(), req.maxObjectSize(), MAX_OBJECTS);
    s3.listObjects(req.bucket(), req.prefix(), listing);
    listing.checkSizes();
    log.println("custody: " + listing.listed() + " objects listed, " + listing.kept().size() + " CloudTrail log files to acquire ("
        + ByteSize.format(listing.bytes()) + "); left out: " + listing.skipped());
    if (listing.undated() > 0) {
      log.println("custody: note: " + listing.undated() + " .json/.json.gz object(s) outside the CloudTrail key layout are kept"
          + (req.since() != null || req.until() != null ? " whatever --since/--until say (their keys carry no date)" : ""));
    }
    if (listing.kept().isEmpty()) {
      throw new InvalidInputException("Failed to acquire CloudTrail from '" + req.sourceId() + "': no CloudTrail log file there ("
          + listing.listed() + " objects listed, left out: " + listing.skipped() + "); check --prefix (a trail with an S3 key prefix "
          + "delivers under PREFIX/AWSLogs/) and --since/--until");
    }
    return listing;
  }

  /** The archive as a stream: each pull downloads and checks the next object when the previous one is archived. */
  private TarFeed archive(Request req, TrailListing listing, Path file, List<TrailObject> objects) {
    ObjectFetch fetch = new ObjectFetch(s3, req.bucket(), file, req.maxObjectSize(), m -> log.println("custody: " + m));
    Iterator<TrailListing.Kept> todo = listing.kept().iterator();
    return new TarFeed(() -> {
      if (!todo.hasNext()) {
        return null;
      }
      ObjectFetch.Fetched f = fetch.fetch(todo.next());
      objects.add(f.record());
      return new TarFeed.Entry(f.record().key(), f.record().size(), f.modified(), ObjectFetch.reread(f));
    });
  }

  private static ObjectsFile objectsFile(Request req, TrailListing listing, List<TrailObject> objects) {
    return new ObjectsFile("custody.cloudtrail-objects", req.sourceId(), req.bucket(), req.prefix(), str(req.since()), str(req.until()),
        listing.listed(), listing.skipped(), listing.undated(), objects);
  }

  private static Result result(Request req, TrailListing listing, List<TrailObject> objects, Item item) {
    long bytes = objects.stream().mapToLong(TrailObject::size).sum();
    long checked = objects.stream().filter(TrailObject::md5Checked).count();
    long retried = objects.stream().filter(o -> o.retried() != null).count();
    return new Result(item, req.sourceId(), str(req.since()), str(req.until()), listing.listed(), objects.size(), bytes, listing.undated(), checked,
        objects.size() - checked, retried, listing.skipped());
  }

  private static String notes(Result r) {
    return r.objects() + " CloudTrail log files (" + r.bytes() + " bytes) of " + r.listed() + " objects listed under " + r.source()
        + filed(r.since(), r.until()) + "; " + r.md5Checked() + " checked against their MD5 ETag, " + r.md5NotChecked()
        + " with an ETag that is no MD5 (see objects.json)"
        + (r.undated() == 0 ? "" : "; " + r.undated() + " outside the CloudTrail key layout, kept whatever the dates")
        + (r.retried() == 0 ? "" : "; " + r.retried() + " downloaded twice (see objects.json)")
        + "; left out " + r.skipped();
  }

  private static String origin(Request req) {
    return "s3:ListObjectsV2+GetObject (CloudTrail log files" + filed(str(req.since()), str(req.until())) + ")";
  }

  /** " filed from X to Y" (key dates), or "" without dates. */
  private static String filed(String since, String until) {
    if (since == null && until == null) {
      return "";
    }
    return " filed" + (since == null ? "" : " from " + since) + (until == null ? "" : " to " + until);
  }

  private static String str(LocalDate d) {
    return d == null ? null : d.toString();
  }

  private void deleteWork(Path work) {
    try {
      Files.deleteIfExists(work.resolve("object"));
      Files.deleteIfExists(work);
    } catch (IOException e) {
      log.println("custody: warning: could not remove the work folder " + work + ": " + e.getMessage());
    }
  }
}
