package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;
import java.util.List;

/**
 * One CloudTrail input file as read: a file on disk, or an entry of a log item of the case.
 *
 * @param item the case item holding it (an acquired log archive), or null for a file on disk
 * @param path its path on disk, or its name in the item (the S3 key)
 * @param bytes its size on disk or in the item
 * @param sha256 SHA-256 of its bytes as stored (compressed when it is .gz; for an acquired S3 object,
 *     the object's bytes); null when it could not be read at all
 * @param records records read from it and analysed
 * @param rejected records found in it and not analysed (each is named in {@code problems})
 * @param skipped why the whole file was left aside although it is not damaged (a digest file, JSON
 *     that is not CloudTrail, an empty file), or null
 * @param problems what is wrong with it, each with a byte offset where there is one: it claims to be
 *     CloudTrail and was not wholly readable (the analysis then exits 4); empty when it read cleanly
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"item", "path", "bytes", "sha256", "records", "records_rejected", "skipped", "problems"})
public record InputFile(
    @JsonProperty("item") String item,
    @JsonProperty("path") String path,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("records") long records,
    @JsonProperty("records_rejected") long rejected,
    @JsonProperty("skipped") String skipped,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("problems") List<String> problems) {

  public InputFile {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /** True when the file claims to be CloudTrail and was not wholly readable. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean damaged() {
    return !problems.isEmpty();
  }

  /** What a person is told about it: why it was skipped, or its problems; null when it read cleanly. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public String problem() {
    if (skipped != null) {
      return skipped;
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /** How to name it to a person: the path, or {@code item-id:name}. */
  public String label() {
    return item == null ? path : item + ":" + path;
  }
}
