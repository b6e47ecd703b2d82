package io.custody.evidence.custody;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;

/**
 * An object a custody entry is about: a file (by case-relative path), an item, or an outside
 * resource (an AWS id, a device path), with its hash and size when known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"item_id", "path", "source_id", "role", "size", "sha256"})
public record CustodyObject(
    @JsonProperty("item_id") String itemId,
    @JsonProperty("path") String path,
    @JsonProperty("source_id") String sourceId,
    @JsonProperty("role") String role,
    @JsonProperty("size") Long size,
    @JsonProperty("sha256") Sha256 sha256) {

  public static CustodyObject file(String path, long size, Sha256 sha256) {
    return new CustodyObject(null, path, null, null, size, sha256);
  }

  public static CustodyObject item(String itemId, Sha256 sha256) {
    return new CustodyObject(itemId, null, null, null, null, sha256);
  }

  public static CustodyObject source(String sourceId, String role) {
    return new CustodyObject(null, null, sourceId, role, null, null);
  }
}
