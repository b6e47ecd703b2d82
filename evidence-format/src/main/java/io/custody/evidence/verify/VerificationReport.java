package io.custody.evidence.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The result of verifying a bundle: {@code ok} only when there is no finding. Every finding is
 * listed, not only the first. {@code open_intents} are the actions the bundle declares as begun and
 * never recorded as finished (sealed with {@code --allow-incomplete}): not a failure, but something
 * the reader must be told.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"ok", "bundle", "bundle_id", "findings", "signer", "timestamp", "files", "items", "custody_entries", "open_intents", "bytes_read"})
public record VerificationReport(
    @JsonProperty("ok") boolean ok,
    @JsonProperty("bundle") String bundle,
    @JsonProperty("bundle_id") String bundleId,
    @JsonProperty("findings") List<Finding> findings,
    @JsonProperty("signer") SignerSummary signer,
    @JsonProperty("timestamp") TimestampSummary timestamp,
    @JsonProperty("files") int files,
    @JsonProperty("items") int items,
    @JsonProperty("custody_entries") int custodyEntries,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("open_intents") List<Long> openIntents,
    @JsonProperty("bytes_read") long bytesRead) {

  public VerificationReport {
    findings = List.copyOf(findings);
    openIntents = openIntents == null ? List.of() : List.copyOf(openIntents);
  }
}
