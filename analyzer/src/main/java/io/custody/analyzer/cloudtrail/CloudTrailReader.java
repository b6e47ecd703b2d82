package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

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
   * {@code *.json} and {@code *.json.gz}, in path order.
   *
   * @throws InvalidInputException when a path does not exist
   */
  public static List<Path> expand(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile).filter(CloudTrailReader::looksLikeCloudTrail).sorted().forEach(out::add);
        } catch (IOException e) {
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
   * Reads one file, passing each record to {@code sink}; never throws for bad content.
   *
   * @return what was read, its SHA-256 (of the bytes on disk) and the problem, if any
   */
  public InputFile read(Path file, Consumer<ObjectNode> sink) {
    try (InputStream raw = Files.newInputStream(file)) {
      return read(null, file.toString(), raw, Files.size(file), sink);
    } catch (IOException e) {
      return new InputFile(file.toString(), -1, Sha256.digest(new byte[0]), 0, "cannot read: " + e.getMessage());
    }
  }

  /**
   * Reads one file from a stream, e.g. an entry of an acquired log archive, passing each record to
   * {@code sink}. Every byte of {@code in} is read and hashed, even when parsing stops early; {@code
   * in} is not closed. Never throws for bad content; a failure of {@code in} itself is reported as
   * the file's problem (the caller learns of it again from its own stream).
   *
   * @param item the case item the file is part of, or null
   * @param name how the file is named in the report (a path, an S3 key)
   * @param size its size in bytes (compressed when it is .gz), as reported
   * @return what was read, the SHA-256 of the bytes of {@code in} and the problem, if any
   */
  public InputFile read(String item, String name, InputStream in, long size, Consumer<ObjectNode> sink) {
    long[] records = {0};
    MessageDigest md = HashAlgorithm.SHA256.newDigest();
    String problem = null;
    // The digest sits below the buffer, so every byte of the file is hashed exactly once.
    BufferedInputStream hashed = new BufferedInputStream(new DigestInputStream(new NotClosing(in), md), 1 << 16);
    try (hashed) {
      InputStream content = hashed;
      hashed.mark(2);
      int b0 = hashed.read();
      int b1 = hashed.read();
      hashed.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        content = new GZIPInputStream(new NotClosing(hashed), 1 << 16);
      }
      try (JsonParser p = FACTORY.createParser(content)) {
        problem = parse(p, r -> {
          records[0]++;
          sink.accept(r);
        });
      } catch (JsonProcessingException e) {
        long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
        problem = "malformed JSON at byte " + at + (content != hashed ? " (of the decompressed stream)" : "") + ": " + e.getOriginalMessage();
      } catch (IOException e) {
        problem = "unreadable: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      } finally {
        if (content != hashed) {
          content.close(); // frees the inflater now rather than when collected: archives hold many files
        }
      }
      hashed.transferTo(java.io.OutputStream.nullOutputStream()); // hash the whole file even when parsing stopped early
    } catch (IOException e) {
      problem = "cannot read: " + e.getMessage();
    }
    if (problem != null && records[0] > 0) {
      problem += " (" + records[0] + " records before it were analysed)";
    }
    return new InputFile(item, name, size, Sha256.of(md.digest()), records[0], problem);
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

  private String parse(JsonParser p, Consumer<ObjectNode> sink) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.START_ARRAY) {
      return array(p, sink);
    }
    if (t != JsonToken.START_OBJECT) {
      return "not CloudTrail: the file is neither a JSON object nor an array";
    }
    boolean found = false;
    boolean digest = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      digest |= name.equals("digestStartTime") || name.equals("digestPublicKeyFingerprint");
      if ((name.equals("Records") || name.equals("Events")) && v == JsonToken.START_ARRAY) {
        found = true;
        String problem = array(p, sink);
        if (problem != null) {
          return problem;
        }
      } else {
        p.skipChildren();
      }
    }
    if (digest && !found) {
      return "a CloudTrail digest file (the log integrity chain), not event records";
    }
    return found ? null : "not CloudTrail: no \"Records\" or \"Events\" array";
  }

  private String array(JsonParser p, Consumer<ObjectNode> sink) throws IOException {
    long skipped = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        skipped++;
        continue;
      }
      ObjectNode record = record(p);
      if (record == null) {
        skipped++;
      } else {
        sink.accept(record);
      }
    }
    return skipped == 0 ? null : skipped + " array entries are not CloudTrail records and were skipped";
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
        return switch (p.getNumberType()) {
          case INT -> f.numberNode(p.getIntValue());
          case LONG -> f.numberNode(p.getLongValue());
          default -> f.numberNode(p.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return f.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
        return f.booleanNode(true);
      case VALUE_FALSE:
        return f.booleanNode(false);
      case VALUE_NULL:
        return f.nullNode();
      default:
        throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected token " + p.currentToken());
    }
  }

  private ObjectNode record(JsonParser p) throws IOException {
    // sized for a CloudTrail record's kept keys: the default map would grow once per record
    ObjectNode out = new ObjectNode(JsonNodeFactory.instance, new java.util.LinkedHashMap<>(32));
    ObjectNode embedded = null;
    String source = null;
    String eventName = null;
    int detailState = 0; // 0 undecided, 1 kept, 2 skipped
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("CloudTrailEvent") && v == JsonToken.VALUE_STRING) {
        // LookupEvents: the record is a JSON document inside a string.
        try (JsonParser inner = FACTORY.createParser(p.getText())) {
          if (inner.nextToken() == JsonToken.START_OBJECT) {
            embedded = record(inner);
          }
        }
      } else if (keep == null || keep.contains(name)) {
        if (details != null && DETAIL_KEYS.contains(name)) {
          if (detailState == 0) {
            detailState = source != null && eventName != null && !details.read(source, eventName) ? 2 : 1;
          }
          if (detailState == 2) {
            p.skipChildren();
            continue;
          }
        } else if (detailState == 2 && (name.equals("eventSource") || name.equals("eventName"))) {
          // the details were skipped for the call named first: a second name must not change which call it was
          throw new com.fasterxml.jackson.core.JsonParseException(p, "a record repeats \"" + name + "\" after its details (error message, request, response)");
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
