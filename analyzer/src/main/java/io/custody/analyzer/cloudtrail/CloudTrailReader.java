package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import io.custody.evidence.files.FailuresAsIo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Streams CloudTrail records out of files as delivered to S3 ({@code {"Records":[…]}}, {@code .json}
 * or {@code .json.gz}), plain arrays of records, and the LookupEvents / event-history shape ({@code
 * {"Events":[{"CloudTrailEvent":"<json>"}]}}). One record is in memory at a time; keys the analysis
 * does not read can be skipped without being materialised. A malformed file is reported (with the
 * byte offset) and the run goes on.
 */
public final class CloudTrailReader {

  /** No string in a record (nor an embedded CloudTrailEvent) may be longer than this. */
  public static final int MAX_STRING = 8 << 20;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(MAX_STRING).maxNumberLength(64).build())
      .build();

  /**
   * A record's details: its error message, request, response and additional data. Most of its size,
   * and read for few calls. CloudTrail writes them after {@code eventSource} and {@code eventName}.
   */
  public static final Set<String> DETAIL_KEYS = Set.of("errorMessage", "requestParameters", "responseElements", "additionalEventData");

  /** Says, from a record's {@code eventSource} and {@code eventName}, whether its {@link #DETAIL_KEYS} are read. */
  @FunctionalInterface
  public interface Details {
    boolean read(String eventSource, String eventName);
  }

  private final Set<String> keep;
  private final Details details;

  /**
   * @param keep top-level record keys to materialise; null keeps every key
   */
  public CloudTrailReader(Set<String> keep) {
    this(keep, null);
  }

  /**
   * @param keep top-level record keys to materialise; null keeps every key
   * @param details which records' {@link #DETAIL_KEYS} to materialise (when kept); null: every record's.
   *     The others' are skipped when the record names its {@code eventSource} and {@code eventName}
   *     (as text) before them, as CloudTrail writes it; else they are kept.
   */
  public CloudTrailReader(Set<String> keep, Details details) {
    this.keep = keep;
    this.details = details;
  }

  /**
   * The CloudTrail files under the given paths: files as given, folders walked recursively for
   * {@code *.json} and {@code *.json.gz}, in path order. Inside a folder, symbolic links are not
   * followed (they may lead out of it): they are listed, and {@link #read(Path, Consumer)} reports them.
   *
   * @throws InvalidInputException when a path does not exist
   */
  public static List<Path> expand(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(f))
              .filter(CloudTrailReader::looksLikeCloudTrail).sorted().forEach(out::add);
        } catch (IOException | java.io.UncheckedIOException e) {
          throw new HostException("Failed to list CloudTrail folder '" + p + "': " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new InvalidInputException("Failed to read CloudTrail input '" + p + "': no such file or folder");
      }
    }
    return out;
  }

  private static boolean looksLikeCloudTrail(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".json") || n.endsWith(".json.gz");
  }

  /**
   * Reads one file, passing each record to {@code sink}; never throws for bad content. A symbolic
   * link found inside a folder is reported and not followed.
   *
   * @return what was read, its SHA-256 (of the bytes on disk) and the problems, if any
   */
  public InputFile read(Path file, Consumer<ObjectNode> sink) {
    if (Files.isSymbolicLink(file)) {
      return new InputFile(null, file.toString(), -1, null, 0, 0, null,
          List.of("a symbolic link: not followed (CloudTrail input is read only from inside the folders given)"));
    }
    try (InputStream raw = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return read(null, file.toString(), raw, Files.size(file), sink);
    } catch (IOException e) {
      return new InputFile(null, file.toString(), -1, null, 0, 0, null, List.of("cannot read: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * Reads one file from a stream, e.g. an entry of an acquired log archive, passing each record to
   * {@code sink}. Every byte of {@code in} is read and hashed, even when parsing stops early; {@code
   * in} is not closed. Never throws for bad content: what is wrong with it (gzip CRC or length errors,
   * data after the end, malformed or concatenated JSON, records with repeated keys or without a valid
   * {@code eventTime}) is listed in the result with a byte offset, and what can safely be read is.
   * No content of the file is quoted in a problem. A failure of {@code in} itself is reported as the
   * file's problem (the caller learns of it again from its own stream).
   *
   * @param item the case item the file is part of, or null
   * @param name how the file is named in the report (a path, an S3 key)
   * @param size its size in bytes (compressed when it is .gz), as reported
   * @return what was read, the SHA-256 of the bytes of {@code in} and the problems, if any
   */
  public InputFile read(String item, String name, InputStream in, long size, Consumer<ObjectNode> sink) {
    MessageDigest md = HashAlgorithm.SHA256.newDigest();
    FileState f = new FileState(sink);
    // The digest sits below the buffer, so every byte of the file is hashed exactly once.
    BufferedInputStream hashed = new BufferedInputStream(new DigestInputStream(new NotClosing(in), md), 1 << 16);
    try (hashed) {
      hashed.mark(2);
      int b0 = hashed.read();
      int b1 = hashed.read();
      hashed.reset();
      InputStream content = hashed;
      if (b0 == 0x1f && b1 == 0x8b) {
        try {
          f.gzip = new GzipCompressorInputStream(new NotClosing(hashed), true);
          // what a decompressor throws on hostile input, unchecked, is the file's problem like its IOExceptions
          content = new FailuresAsIo(f.gzip, RuntimeException.class);
        } catch (IOException | RuntimeException e) {
          f.damage("gzip: the gzip header is invalid");
          content = null;
        }
      }
      if (content != null) {
        try (JsonParser p = FACTORY.createParser(content)) {
          f.parseAll(p);
        } catch (JsonProcessingException e) {
          f.damage("malformed JSON at byte " + offset(e) + f.ofDecompressed() + ": " + describe(e) + "; the rest of the file cannot be read safely");
        } catch (java.io.CharConversionException e) {
          f.damage("malformed JSON: its characters are not valid UTF-8, UTF-16 or UTF-32" + f.ofDecompressed());
        } catch (IOException e) {
          f.damage(f.gzip == null ? "unreadable: the read failed (" + e.getClass().getSimpleName() + ")" : f.gzipProblem(e));
        }
      }
      if (f.gzip != null) {
        // The parser stops at the JSON's end: read the gzip stream to its end, so that its CRC, its
        // length and anything after it are checked, and count what the JSON left unread.
        f.drainGzip();
      }
      hashed.transferTo(java.io.OutputStream.nullOutputStream()); // hash the whole file even when parsing stopped early
    } catch (IOException e) {
      f.damage("cannot read: the read failed (" + e.getClass().getSimpleName() + ")");
    }
    return new InputFile(item, name, size, Sha256.of(md.digest()), f.records, f.rejected, f.skipped, f.problems());
  }

  /** Where a parse error is, in bytes (characters for text parsed from a string). */
  private static long offset(JsonProcessingException e) {
    var l = e.getLocation();
    if (l == null) {
      return -1;
    }
    return l.getByteOffset() >= 0 ? l.getByteOffset() : l.getCharOffset();
  }

  /**
   * A parse error in words, without the content the parser quotes (a token of a hostile or
   * sensitive file, such as an access key, must not reach stderr or the case).
   */
  static String describe(JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
      return "unexpected end of input";
    }
    if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
      return "beyond the reader's limits (nesting depth 64, strings of " + (MAX_STRING >> 20) + " MiB, numbers of 64 digits)";
    }
    if (e instanceof Own) {
      return e.getOriginalMessage();
    }
    return "not valid JSON";
  }

  /** A parse error of this reader's own, whose message holds no content of the file. */
  private static final class Own extends com.fasterxml.jackson.core.JsonParseException {
    Own(JsonParser p, String message) {
      super(p, message);
    }
  }

  /** The state of reading one file: counts, and the problems found, bounded. */
  private final class FileState {
    static final int MAX_PROBLEMS = 20;
    final Consumer<ObjectNode> sink;
    final List<String> problems = new ArrayList<>();
    final java.util.HashSet<String> names = new java.util.HashSet<>();
    GzipCompressorInputStream gzip;
    long records;
    long rejected;
    long moreProblems;
    String skipped;

    FileState(Consumer<ObjectNode> sink) {
      this.sink = sink;
    }

    void damage(String problem) {
      if (problems.size() < MAX_PROBLEMS) {
        problems.add(problem);
      } else {
        moreProblems++;
      }
    }

    List<String> problems() {
      List<String> out = new ArrayList<>(problems);
      if (moreProblems > 0) {
        out.add("and " + moreProblems + " more problems in this file");
      }
      if (!out.isEmpty() && records > 0) {
        out.add(records + " records of this file were read and analysed" + (rejected == 0 ? "" : ", " + rejected + " were not"));
      }
      return out;
    }

    String ofDecompressed() {
      return gzip == null ? "" : " of the decompressed data";
    }

    String gzipProblem(IOException e) {
      String m = String.valueOf(e.getMessage());
      String what = m.contains("CRC32") ? "its CRC-32 does not match its data"
          : m.contains("size mismatch") ? "its recorded length does not match its data"
          : m.contains("Garbage after") || m.contains("data after a valid") || m.contains("not in the .gz format") ? "data follows the end of the gzip stream"
          : e instanceof java.io.EOFException || m.contains("Truncated") || m.contains("nexpected end") ? "the gzip stream is cut short"
          : "the gzip stream is damaged (its data cannot be inflated, or its header is invalid)";
      return "gzip: " + what + " (at compressed byte " + gzip.getCompressedCount() + ")";
    }

    void drainGzip() {
      byte[] buf = new byte[1 << 16];
      long extra = 0;
      boolean nonBlank = false;
      try {
        int n;
        InputStream guarded = new FailuresAsIo(gzip, RuntimeException.class);
        while ((n = guarded.read(buf)) > 0) {
          extra += n;
          for (int i = 0; i < n && !nonBlank; i++) {
            nonBlank = !Character.isWhitespace(buf[i]);
          }
        }
      } catch (IOException e) {
        if (problems.stream().noneMatch(p -> p.startsWith("gzip:"))) {
          damage(gzipProblem(e));
        }
      } finally {
        try {
          gzip.close(); // frees the inflater now rather than when collected: archives hold many files
        } catch (IOException e) {
          // nothing held but the inflater
        }
      }
      if (nonBlank) {
        damage(extra + " bytes of the decompressed data after the JSON were not read");
      }
    }

    /** Every JSON document of the file: CloudTrail writes one; more are read too, and reported. */
    void parseAll(JsonParser p) throws IOException {
      JsonToken t;
      int documents = 0;
      while ((t = p.nextToken()) != null) {
        documents++;
        if (documents == 2) {
          damage("a second JSON document starts at byte " + p.currentTokenLocation().getByteOffset() + ofDecompressed()
              + " (CloudTrail writes one per file); it was read too");
        }
        String notCloudTrail = document(p, t);
        if (notCloudTrail != null) {
          if (documents == 1 && skipped == null) {
            skipped = notCloudTrail;
          } else {
            damage("the JSON document ending at byte " + p.currentLocation().getByteOffset() + ofDecompressed() + ": " + notCloudTrail);
          }
        }
      }
      if (documents == 0) {
        skipped = "empty: no JSON in the file";
      } else if (skipped != null && records > 0) {
        // CloudTrail records followed a first document that held none
        damage("the first JSON document: " + skipped);
        skipped = null;
      }
    }

    /** One document; the reason it is not CloudTrail, or null. */
    private String document(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.START_ARRAY) {
        array(p);
        return null;
      }
      if (t != JsonToken.START_OBJECT) {
        return "not CloudTrail: the document is neither a JSON object nor an array";
      }
      boolean found = false;
      boolean digest = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        digest |= name.equals("digestStartTime") || name.equals("digestPublicKeyFingerprint");
        if ((name.equals("Records") || name.equals("Events")) && v == JsonToken.START_ARRAY) {
          if (found) {
            damage("a second \"" + name + "\" array at byte " + p.currentTokenLocation().getByteOffset() + ofDecompressed() + "; it was read too");
          }
          found = true;
          array(p);
        } else {
          p.skipChildren();
        }
      }
      if (digest && !found) {
        return "a CloudTrail digest file (the log integrity chain), not event records";
      }
      return found ? null : "not CloudTrail: no \"Records\" or \"Events\" array";
    }

    private void array(JsonParser p) throws IOException {
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        long at = p.currentTokenLocation().getByteOffset();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          reject(at, "is not a JSON object");
          continue;
        }
        ObjectNode r = record(p, at);
        if (r != null) {
          records++;
          sink.accept(r);
        }
      }
    }

    private void reject(long at, String why) {
      rejected++;
      damage("the record at byte " + at + ofDecompressed() + " " + why + ": not analysed");
    }

    /** A record, or null when it was rejected (and reported). */
    private ObjectNode record(JsonParser p, long at) throws IOException {
      ObjectNode r;
      com.fasterxml.jackson.core.JsonStreamContext around = p.getParsingContext().getParent();
      try {
        r = fields(p, at, false);
      } catch (Own e) {
        skipRest(p, around);
        reject(at, e.getOriginalMessage());
        return null;
      }
      if (r == null) {
        reject(at, "names no event (no eventName, eventSource or eventID)");
        return null;
      }
      JsonNode time = r.get("eventTime");
      if (time == null || !time.isTextual() || Rec.strictEpochSecond(time.textValue()) == Long.MIN_VALUE) {
        reject(at, time == null ? "has no eventTime"
            : "has an eventTime that is not a UTC time as CloudTrail writes it (" + (time.isTextual() ? "text of " + time.textValue().length()
            + " characters" : kind(time)) + ")");
        return null;
      }
      return r;
    }

    /** What kind of JSON value a node is, in words. */
    private static String kind(JsonNode n) {
      return n.isNumber() ? "a JSON number" : n.isNull() ? "null" : n.isBoolean() ? "a JSON boolean" : n.isObject() ? "a JSON object"
          : n.isArray() ? "a JSON array" : "a JSON value";
    }

    /** Skips to the end of the record, from wherever in it (however deep) reading stopped. */
    private void skipRest(JsonParser p, com.fasterxml.jackson.core.JsonStreamContext around) throws IOException {
      while (!(p.currentToken() == JsonToken.END_OBJECT && p.getParsingContext() == around)) {
        if (p.nextToken() == null) {
          return;
        }
      }
    }

    /**
     * The fields of a record the analysis keeps; null when it names no event. A key that appears
     * twice is a problem of the file; the first value is the one analysed (the second could change
     * which call the record is, after its details were skipped for the first).
     */
    private ObjectNode fields(JsonParser p, long at, boolean inner) throws IOException {
      // sized for a CloudTrail record's kept keys: the default map would grow once per record
      ObjectNode out = new ObjectNode(JsonNodeFactory.instance, new java.util.LinkedHashMap<>(32));
      ObjectNode embedded = null;
      String source = null;
      String eventName = null;
      int detailState = 0; // 0 undecided, 1 kept, 2 skipped
      java.util.HashSet<String> seen = inner ? new java.util.HashSet<>() : names;
      seen.clear();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (!seen.add(name)) {
          damage("the record at byte " + at + ofDecompressed() + (inner ? ", in its CloudTrailEvent," : "") + " repeats the key " + safeKey(name)
              + ": its first value is the one analysed");
          p.skipChildren();
          continue;
        }
        if (name.equals("CloudTrailEvent") && v == JsonToken.VALUE_STRING && !inner) {
          // LookupEvents: the record is a JSON document inside a string.
          try (JsonParser in = FACTORY.createParser(p.getText())) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
              throw new Own(p, "has a CloudTrailEvent that is not a JSON object");
            }
            embedded = fields(in, at, true);
            if (in.nextToken() != null) {
              throw new Own(p, "has a CloudTrailEvent with more after its JSON object");
            }
          } catch (Own e) {
            throw e;
          } catch (JsonProcessingException e) {
            throw new Own(p, "has a CloudTrailEvent that is not valid JSON (at character " + offset(e) + ": " + describe(e) + ")");
          }
          if (embedded == null) {
            throw new Own(p, "has a CloudTrailEvent that names no event");
          }
        } else if (keep == null || keep.contains(name) || name.equals("eventTime")) { // every record's time is checked
          if (details != null && DETAIL_KEYS.contains(name)) {
            if (detailState == 0) {
              detailState = source != null && eventName != null && !details.read(source, eventName) ? 2 : 1;
            }
            if (detailState == 2) {
              p.skipChildren();
              continue;
            }
          }
          JsonNode n = node(p);
          if (name.equals("eventSource")) {
            source = n.textValue(); // null unless text
          } else if (name.equals("eventName")) {
            eventName = n.textValue();
          }
          out.set(name, n);
        } else {
          p.skipChildren();
        }
      }
      if (embedded != null) {
        return embedded;
      }
      return out.has("eventName") || out.has("eventID") || out.has("eventSource") ? out : null;
    }
  }

  /** Leaves the caller's stream open when the readers stacked on it are closed. */
  private static final class NotClosing extends java.io.FilterInputStream {
    NotClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller owns the stream
    }
  }

  /** The keys of a CloudTrail record (and of the LookupEvents shape), which a problem may name. */
  private static final Set<String> RECORD_KEYS = Set.of("eventVersion", "userIdentity", "eventTime", "eventSource", "eventName",
      "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters", "responseElements",
      "additionalEventData", "requestID", "eventID", "readOnly", "resources", "eventType", "apiVersion", "managementEvent",
      "recipientAccountId", "serviceEventDetails", "sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "eventCategory",
      "sessionCredentialFromConsole", "edgeDeviceDetails", "tlsDetails", "insightDetails", "addendum", "CloudTrailEvent");

  /** A key as reported: its name when it is one CloudTrail writes, else only its length (keys come from the evidence). */
  private static String safeKey(String name) {
    return RECORD_KEYS.contains(name) ? "\"" + name + "\"" : "of " + name.length() + " characters";
  }

  /** A number as a tree node; one that cannot be held ({@code 1e666666666}) is the record's problem, not the reader's exception. */
  private static JsonNode number(JsonParser p, JsonNodeFactory f) throws IOException {
    try {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
        return f.numberNode(p.getDecimalValue());
      }
      return switch (p.getNumberType()) {
        case INT -> f.numberNode(p.getIntValue());
        case LONG -> f.numberNode(p.getLongValue());
        default -> f.numberNode(p.getBigIntegerValue());
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new Own(p, "has a number that cannot be read");
    }
  }

  /** The value at the current token as a tree (without ObjectMapper's per-call setup: this runs for every field). */
  private static JsonNode node(JsonParser p) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (p.currentToken()) {
      case START_OBJECT: {
        ObjectNode o = f.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          o.set(name, node(p));
        }
        return o;
      }
      case START_ARRAY: {
        com.fasterxml.jackson.databind.node.ArrayNode a = f.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(node(p));
        }
        return a;
      }
      case VALUE_STRING:
        return f.textNode(p.getText());
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return number(p, f);
      case VALUE_TRUE:
        return f.booleanNode(true);
      case VALUE_FALSE:
        return f.booleanNode(false);
      case VALUE_NULL:
        return f.nullNode();
      default:
        throw new Own(p, "has an unexpected token");
    }
  }

}
