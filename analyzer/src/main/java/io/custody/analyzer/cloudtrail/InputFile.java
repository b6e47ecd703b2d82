package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;

/**
 * One CloudTrail input file as read: a file on disk, or an entry of a log item of the case.
 *
 * @param item the case item holding it (an acquired log archive), or null for a file on disk
 * @param path its path on disk, or its name in the item (the S3 key)
 * @param bytes its size on disk or in the item
 * @param sha256 SHA-256 of its bytes as stored (compressed when it is .gz; for an acquired S3 object, the object's bytes)
 * @param records records read from it
 * @param problem why it was (partly) skipped, or null when it read cleanly
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"item", "path", "bytes", "sha256", "records", "problem"})
public record InputFile(
    @JsonProperty("item") String item,
    @JsonProperty("path") String path,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("records") long records,
    @JsonProperty("problem") String problem) {

  /** A file on disk. */
  public InputFile(String path, long bytes, Sha256 sha256, long records, String problem) {
    this(null, path, bytes, sha256, records, problem);
  }

  /** How to name it to a person: the path, or {@code item-id:name}. */
  public String label() {
    return item == null ? path : item + ":" + path;
  }
}
