package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;

/**
 * One S3 object of a CloudTrail acquisition, as listed in the item's {@code objects.json}: what S3
 * said about it when it was read (GetObject) and what its bytes hash to. Its tar entry is named by
 * its key.
 *
 * @param size bytes read (equal to the Content-Length S3 announced)
 * @param etag without quotes
 * @param versionId null when the bucket is not versioned
 * @param lastModified RFC 3339, UTC
 * @param keyDate the {@code YYYY-MM-DD} of the CloudTrail key layout, null when the key is outside it
 * @param sha256 of the bytes as stored in S3 (and in the archive)
 * @param md5 of the same bytes, hex
 * @param md5Checked true when the ETag is a plain MD5 (a single-part upload without SSE-KMS or SSE-C)
 *     and equals {@code md5}
 * @param md5NotChecked why the ETag could not be checked, when it was not
 * @param retried what went wrong with the first download, when a second one was needed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"key", "size", "etag", "version_id", "last_modified", "key_date", "sha256", "md5", "md5_checked", "md5_not_checked",
    "server_side_encryption", "retried"})
public record TrailObject(
    @JsonProperty("key") String key,
    @JsonProperty("size") long size,
    @JsonProperty("etag") String etag,
    @JsonProperty("version_id") String versionId,
    @JsonProperty("last_modified") String lastModified,
    @JsonProperty("key_date") String keyDate,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("md5") String md5,
    @JsonProperty("md5_checked") boolean md5Checked,
    @JsonProperty("md5_not_checked") String md5NotChecked,
    @JsonProperty("server_side_encryption") String serverSideEncryption,
    @JsonProperty("retried") String retried) {}
