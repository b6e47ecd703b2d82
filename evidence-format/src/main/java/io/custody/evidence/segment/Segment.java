package io.custody.evidence.segment;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;

/**
 * One stored file of an item and the raw bytes it holds.
 *
 * @param index 1-based
 * @param file the stored file name (no folder), e.g. {@code image.raw.zst.000001}
 * @param offset offset of its first raw byte in the item
 * @param length raw bytes it holds
 * @param sha256 SHA-256 of those raw bytes
 * @param storedSize size of the stored file
 * @param storedSha256 SHA-256 of the stored file (equals {@code sha256} when uncompressed)
 */
@JsonPropertyOrder({"index", "file", "offset", "length", "sha256", "stored_size", "stored_sha256"})
public record Segment(
    @JsonProperty("index") int index,
    @JsonProperty("file") String file,
    @JsonProperty("offset") long offset,
    @JsonProperty("length") long length,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("stored_size") long storedSize,
    @JsonProperty("stored_sha256") Sha256 storedSha256) {}
