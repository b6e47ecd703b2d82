package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.analyzer.mount.Mounter;
import io.custody.evidence.Sha256;

/**
 * What is mounted for an item (kept in {@code <case>/mounts/<item>.json} until umount): the disk it
 * was mounted from (the attached device, or a working copy rebuilt from the item), the hash it must
 * still have afterwards, and the volume to clean up.
 *
 * @param kind {@code device} (the evidence device itself) or {@code working-copy}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountState(
    @JsonProperty("item_id") String itemId,
    @JsonProperty("kind") String kind,
    @JsonProperty("source") String source,
    @JsonProperty("size") long size,
    @JsonProperty("expected_sha256") Sha256 expectedSha256,
    @JsonProperty("volume_id") String volumeId,
    @JsonProperty("instance_id") String instanceId,
    @JsonProperty("region") String region,
    @JsonProperty("keep_volume") boolean keepVolume,
    @JsonProperty("mounts") Mounter.Mounts mounts) {}
