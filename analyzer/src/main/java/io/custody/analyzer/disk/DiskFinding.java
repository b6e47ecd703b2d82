package io.custody.analyzer.disk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Severity;
import io.custody.evidence.Sha256;

/**
 * A persistence or compromise finding on a disk image.
 *
 * @param ruleId e.g. {@code ssh-authorized-keys}, {@code cron}, {@code suid-outside-standard-paths}
 * @param severity info, low, medium, high or critical
 * @param filesystem the file system it is on (see {@link FileSystemReport#label()})
 * @param path the path inside that file system, as text: bytes that are not UTF-8 written {@code \xNN}
 * @param pathB64 the path's exact bytes (Base64) when they are not valid UTF-8; absent otherwise
 * @param inode TSK's metadata address
 * @param mtime modification time, RFC 3339 UTC (also atime, ctime, crtime; null when 0)
 * @param sha256 SHA-256 of the file's content, read from the image; null for non-regular files
 * @param excerpt a short, printable excerpt of the content that triggered the finding
 * @param reason why it is a finding
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rule_id", "severity", "filesystem", "path", "path_b64", "inode", "mode", "uid", "gid", "size", "mtime", "atime", "ctime", "crtime",
    "sha256", "excerpt", "reason"})
public record DiskFinding(
    @JsonProperty("rule_id") String ruleId,
    @JsonProperty("severity") Severity severity,
    @JsonProperty("filesystem") String filesystem,
    @JsonProperty("path") String path,
    @JsonProperty("path_b64") String pathB64,
    @JsonProperty("inode") String inode,
    @JsonProperty("mode") String mode,
    @JsonProperty("uid") long uid,
    @JsonProperty("gid") long gid,
    @JsonProperty("size") long size,
    @JsonProperty("mtime") String mtime,
    @JsonProperty("atime") String atime,
    @JsonProperty("ctime") String ctime,
    @JsonProperty("crtime") String crtime,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("excerpt") String excerpt,
    @JsonProperty("reason") String reason) {}
