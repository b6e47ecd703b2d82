package io.custody.evidence.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;
import io.custody.evidence.workspace.CaseInfo;
import io.custody.evidence.workspace.Item;
import java.util.List;

/**
 * {@code manifest.json}: who sealed what, when, with which tool and key; the custody chain's length
 * and head; every item with its hashes and stored files; and every sealed file with its size and
 * SHA-256 (all but the manifest itself, which SHA256SUMS covers).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "format_version", "bundle_id", "sealed_utc", "case", "tool", "signer", "custody", "sources", "items", "files"})
public record Manifest(
    @JsonProperty("format") String format,
    @JsonProperty("format_version") String formatVersion,
    @JsonProperty("bundle_id") String bundleId,
    @JsonProperty("sealed_utc") String sealedUtc,
    @JsonProperty("case") CaseInfo caseInfo,
    @JsonProperty("tool") Tool tool,
    @JsonProperty("signer") Signer signer,
    @JsonProperty("custody") Custody custody,
    @JsonProperty("sources") List<Source> sources,
    @JsonProperty("items") List<Item> items,
    @JsonProperty("files") List<FileEntry> files) {

  public Manifest {
    sources = sources == null ? List.of() : List.copyOf(sources);
    items = items == null ? List.of() : List.copyOf(items);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** The tool that sealed the bundle. */
  @JsonPropertyOrder({"name", "version", "java", "os"})
  public record Tool(
      @JsonProperty("name") String name,
      @JsonProperty("version") String version,
      @JsonProperty("java") String java,
      @JsonProperty("os") String os) {}

  /** The signing certificate, by subject and SHA-256 fingerprint. */
  @JsonPropertyOrder({"subject", "fingerprint_sha256", "algorithm"})
  public record Signer(
      @JsonProperty("subject") String subject,
      @JsonProperty("fingerprint_sha256") String fingerprintSha256,
      @JsonProperty("algorithm") String algorithm) {}

  /**
   * Length and head of the custody chain as sealed, and the actions begun and never finished when
   * the case was sealed with {@code --allow-incomplete} (their intent entries' numbers; absent when
   * there were none).
   */
  @JsonPropertyOrder({"entries", "head_sha256", "open_intents"})
  public record Custody(@JsonProperty("entries") int entries, @JsonProperty("head_sha256") Sha256 headSha256,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("open_intents") List<Long> openIntents) {

    public Custody(int entries, Sha256 headSha256) {
      this(entries, headSha256, List.of());
    }
  }

  /** A source (volume, instance, snapshot, file) and the items taken from it. */
  @JsonPropertyOrder({"source_id", "items"})
  public record Source(@JsonProperty("source_id") String sourceId, @JsonProperty("items") List<String> items) {}

  /** A sealed file. */
  @JsonPropertyOrder({"path", "size", "sha256"})
  public record FileEntry(@JsonProperty("path") String path, @JsonProperty("size") long size, @JsonProperty("sha256") Sha256 sha256) {}
}
