package io.custody.analyzer.disk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One file system (or partition without one) of a disk image and how it was analysed.
 *
 * @param label {@code disk} for a whole-disk file system, else {@code p<slot>} of the partition table
 * @param startSector where the partition starts, in 512-byte units (TSK's {@code -o}; 0 for a whole disk)
 * @param sectors its length in 512-byte units
 * @param sectorSize the logical sector size of the disk's partition table (512, or 4096)
 * @param method {@code tsk} (The Sleuth Kit on the raw image, deleted entries included), {@code mount}
 *     (a walk of a read-only mount: allocated files only) or {@code skipped}
 * @param prefix the path prefix of its entries in the bodyfile and timeline
 * @param bodyfile the bodyfile's name in the case, when one was made
 * @param entries bodyfile lines
 * @param note why it was skipped or degraded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"label", "start_sector", "sectors", "sector_size", "description", "type", "method", "prefix", "bodyfile", "entries", "note"})
public record FileSystemReport(
    @JsonProperty("label") String label,
    @JsonProperty("start_sector") long startSector,
    @JsonProperty("sectors") long sectors,
    @JsonProperty("sector_size") int sectorSize,
    @JsonProperty("description") String description,
    @JsonProperty("type") String type,
    @JsonProperty("method") String method,
    @JsonProperty("prefix") String prefix,
    @JsonProperty("bodyfile") String bodyfile,
    @JsonProperty("entries") long entries,
    @JsonProperty("note") String note) {}
