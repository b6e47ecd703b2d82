package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;

/**
 * One CloudTrail input file as read.
 *
 * @param bytes its size on disk
 * @param sha256 SHA-256 of its bytes on disk (compressed when it is .gz)
 * @param records records read from it
 * @param problem why it was (partly) skipped, or null when it read cleanly
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "bytes", "sha256", "records", "problem"})
public record InputFile(
    @JsonProperty("path") String path,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("records") long records,
    @JsonProperty("problem") String problem) {}
