package io.custody.evidence.custody;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;
import java.util.List;

/**
 * One custody log entry, stored as {@code custody/NNNNNN.json}. {@code prev_sha256} is the SHA-256 of
 * the exact bytes of the previous entry's file (64 zeros for the first), so editing, removing or
 * reordering entries breaks the chain.
 *
 * @param refersTo for an outcome, the {@code seq} of its intent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "seq", "entry_id", "prev_sha256", "time_utc", "event", "outcome", "refers_to", "actor", "host", "tool",
  "objects", "aws", "notes"
})
public record CustodyEntry(
    @JsonProperty("seq") long seq,
    @JsonProperty("entry_id") String entryId,
    @JsonProperty("prev_sha256") Sha256 prevSha256,
    @JsonProperty("time_utc") String timeUtc,
    @JsonProperty("event") String event,
    @JsonProperty("outcome") Outcome outcome,
    @JsonProperty("refers_to") Long refersTo,
    @JsonProperty("actor") String actor,
    @JsonProperty("host") String host,
    @JsonProperty("tool") String tool,
    @JsonProperty("objects") List<CustodyObject> objects,
    @JsonProperty("aws") AwsCall aws,
    @JsonProperty("notes") String notes) {

  public CustodyEntry {
    objects = objects == null ? List.of() : List.copyOf(objects);
  }

  /** The file name of entry {@code seq}: {@code NNNNNN.json}. */
  public static String fileName(long seq) {
    return String.format(java.util.Locale.ROOT, "%06d.json", seq);
  }
}
