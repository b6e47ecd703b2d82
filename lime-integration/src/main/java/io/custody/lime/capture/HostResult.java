package io.custody.lime.capture;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.lime.PhysRange;
import io.custody.lime.SystemRam;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code result.json} as the host script wrote it. The host is compromised, so this is hostile input:
 * bounded, strictly parsed, every field checked before use, and nothing in it is trusted over what the
 * workstation measures itself (the stream's SHA-256, S3's own list of parts).
 */
public record HostResult(
    @JsonProperty("format") String format,
    @JsonProperty("status") String status,
    @JsonProperty("stage") String stage,
    @JsonProperty("error") String error,
    @JsonProperty("kernel_release") String kernelRelease,
    @JsonProperty("uname") String uname,
    @JsonProperty("proc_version") String procVersion,
    @JsonProperty("lockdown") String lockdown,
    @JsonProperty("module_sha256") String moduleSha256,
    @JsonProperty("module_built_on_host") String moduleBuiltOnHost,
    @JsonProperty("reader") String reader,
    @JsonProperty("hasher") String hasher,
    @JsonProperty("http") String http,
    @JsonProperty("insmod_rc") String insmodRc,
    @JsonProperty("rmmod") String rmmod,
    @JsonProperty("compression") String compression,
    @JsonProperty("bytes") Long bytes,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("parts") List<Part> parts,
    @JsonProperty("iomem_system_ram") List<String> iomemSystemRam,
    @JsonProperty("utc_start") String utcStart,
    @JsonProperty("utc_end") String utcEnd,
    @JsonProperty("uptime") Map<String, String> uptime,
    @JsonProperty("symbols") @JsonDeserialize(using = SentFile.ListReader.class) List<SentFile> symbols,
    @JsonProperty("method") String method,
    @JsonProperty("method_reason") String methodReason,
    @JsonProperty("avml_sha256") String avmlSha256,
    @JsonProperty("avml_source") String avmlSource) {

  /** result.json is small; anything larger is refused unread. */
  public static final int MAX_BYTES = 4 << 20;
  private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9-]{1,100}");
  private static final Pattern RANGE = Pattern.compile("[0-9a-fA-F]{1,16}-[0-9a-fA-F]{1,16}");

  public HostResult {
    bytes = bytes == null ? 0L : bytes;
    parts = parts == null ? List.of() : List.copyOf(parts);
    iomemSystemRam = iomemSystemRam == null ? List.of() : List.copyOf(iomemSystemRam);
    uptime = uptime == null ? Map.of() : Map.copyOf(uptime);
    symbols = symbols == null ? List.of() : symbols.stream().filter(java.util.Objects::nonNull).toList();
  }

  /**
   * A file the host sent for the symbol table: its kind (btf, system-map, kallsyms, version), what
   * happened (sent, missing, unreadable, failed), where it came from, its size and SHA-256 as the host
   * measured them.
   */
  public record SentFile(@JsonProperty("kind") String kind, @JsonProperty("status") String status, @JsonProperty("source") String source,
      @JsonProperty("bytes") long bytes, @JsonProperty("sha256") String sha256) {

    public boolean sent() {
      return "sent".equals(status);
    }

    /**
     * An entry as the host wrote it, read field by field: a field of the wrong JSON type is absent
     * (null; a size that is not a whole number from 0 to 2^63-1 is -1, which no file has), and an entry
     * that is not an object is an entry of no kind, not sent. The symbols are not needed to keep the
     * capture, so nothing in them may make the result unreadable.
     */
    static SentFile of(JsonNode n) {
      if (n == null || !n.isObject()) {
        return new SentFile(null, "malformed", null, -1, null);
      }
      JsonNode b = n.path("bytes");
      long bytes = b.isIntegralNumber() && b.canConvertToLong() && b.asLong() >= 0 ? b.asLong() : -1;
      return new SentFile(text(n, "kind"), text(n, "status"), text(n, "source"), bytes, text(n, "sha256"));
    }

    private static String text(JsonNode n, String field) {
      JsonNode v = n.get(field);
      return v != null && v.isTextual() ? v.asText() : null;
    }

    /** The symbols array: its entries by {@link #of}, nulls left out; anything but an array is one entry of no kind. */
    static final class ListReader extends StdDeserializer<List<SentFile>> {
      private static final long serialVersionUID = 1L;

      ListReader() {
        super(List.class);
      }

      @Override
      public List<SentFile> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        JsonNode n = ctx.readTree(p);
        if (n == null || n.isNull()) {
          return List.of();
        }
        if (!n.isArray()) {
          return List.of(of(n));
        }
        List<SentFile> out = new java.util.ArrayList<>();
        n.forEach(e -> {
          if (!e.isNull()) {
            out.add(of(e));
          }
        });
        return out;
      }

      @Override
      public List<SentFile> getNullValue(DeserializationContext ctx) {
        return List.of();
      }
    }
  }

  /** One uploaded part as the host reports it. */
  public record Part(@JsonProperty("number") int number, @JsonProperty("etag") String etag, @JsonProperty("size") long size) {}

  /**
   * @throws InvalidInputException when the bytes are not a result.json of this format
   */
  public static HostResult parse(byte[] json, String source) {
    HostResult r;
    try {
      r = Json.mapper().readValue(json, HostResult.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("Failed to parse host result '" + source + "' at offset "
          + (e.getLocation() == null ? -1 : e.getLocation().getByteOffset()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("Failed to parse host result '" + source + "': " + e.getMessage(), e);
    }
    if (!"custody-lime-result/1".equals(r.format())) {
      throw new InvalidInputException("Failed to parse host result '" + source + "': unknown format '" + Printable.of(String.valueOf(r.format())) + "'");
    }
    return r;
  }

  /** What computed the host's SHA-256, one of the values the script writes; {@code unknown} for anything else. */
  public String hasherLabel() {
    return "lime-digest".equals(hasher) || "sha256sum".equals(hasher) ? hasher : "unknown";
  }

  /**
   * What read the memory, one of the values the script writes: {@code lime} or {@code avml}; {@code
   * lime} when result.json names none (scripts before AVML had only LiME); {@code unknown} otherwise.
   */
  public String methodLabel() {
    if (method == null || method.isEmpty()) {
      return "lime";
    }
    return "lime".equals(method) || "avml".equals(method) ? method : "unknown";
  }

  /** Why the host used its method (with method auto: why not LiME), safe to print; empty when it gave none. */
  public String printableMethodReason() {
    return methodReason == null ? "" : Printable.of(methodReason);
  }

  /** The memory source AVML read, one of those the script chooses from; {@code unknown} for anything else. */
  public String avmlSourceLabel() {
    return java.util.Set.of("/proc/kcore", "/dev/crash", "/dev/mem").contains(avmlSource) ? avmlSource : "unknown";
  }

  public boolean ok() {
    return "ok".equals(status);
  }

  /**
   * The host's SHA-256 of the stream.
   *
   * @throws InvalidInputException when it is not a SHA-256
   */
  public Sha256 streamSha256() {
    return Sha256.parse(sha256);
  }

  /**
   * The parts, checked: numbered 1..n without gaps, ETags of S3's alphabet, sizes positive.
   *
   * @throws InvalidInputException otherwise
   */
  public List<Part> checkedParts() {
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      if (p.number() != i + 1 || p.etag() == null || !ETAG.matcher(p.etag()).matches() || p.size() <= 0) {
        throw new InvalidInputException("Failed to use host result: part " + (i + 1) + " is malformed");
      }
    }
    return parts;
  }

  /**
   * The host's System RAM ranges (from its /proc/iomem).
   *
   * @throws InvalidInputException when they are malformed or absent
   */
  public List<PhysRange> systemRam() {
    StringBuilder sb = new StringBuilder();
    for (String r : iomemSystemRam) {
      if (r == null || !RANGE.matcher(r).matches()) {
        throw new InvalidInputException("Failed to use host result: bad System RAM range '" + Printable.of(String.valueOf(r)) + "'");
      }
      sb.append(r).append(" : System RAM\n");
    }
    return SystemRam.parse(sb.toString(), "result.json iomem_system_ram");
  }

  /** The host's error, safe to print. */
  public String printableError() {
    return error == null || error.isBlank() ? "no reason given" : Printable.of(error);
  }
}
