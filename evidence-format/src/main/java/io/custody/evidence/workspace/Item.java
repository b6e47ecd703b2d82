package io.custody.evidence.workspace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Hashes;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.segment.Segment;
import java.util.List;

/**
 * One piece of evidence in a case, as recorded when its acquisition finished ({@code
 * items/<id>.json}) and as listed in a bundle's manifest.
 *
 * @param dir the item's folder relative to the case (and bundle) root, e.g. {@code data/disk/vol-0abc}
 * @param name the name of the raw stream, e.g. {@code image.raw}
 * @param origin where the bytes came from, e.g. {@code file:/dev/nvme1n1} or {@code ebs-direct:snap-…}
 * @param segmentSize raw bytes per stored file; 0 when stored as one file
 * @param segments the stored files of the raw stream, in order
 * @param files every other file of the item (hash lists, AWS block checksums), relative to {@code dir}
 * @param notes what an examiner should know: unreadable ranges, degraded runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "id", "type", "source_id", "dir", "name", "origin", "acquired_utc", "size", "hashes", "compression",
  "segment_size", "segments", "files", "notes"
})
public record Item(
    @JsonProperty("id") String id,
    @JsonProperty("type") ItemType type,
    @JsonProperty("source_id") String sourceId,
    @JsonProperty("dir") String dir,
    @JsonProperty("name") String name,
    @JsonProperty("origin") String origin,
    @JsonProperty("acquired_utc") String acquiredUtc,
    @JsonProperty("size") long size,
    @JsonProperty("hashes") Hashes hashes,
    @JsonProperty("compression") Compression compression,
    @JsonProperty("segment_size") long segmentSize,
    @JsonProperty("segments") List<Segment> segments,
    @JsonProperty("files") List<String> files,
    @JsonProperty("notes") String notes) {

  public Item {
    segments = segments == null ? List.of() : List.copyOf(segments);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** Case-relative paths of every file of the item: segments first, then the others. */
  public List<String> paths() {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    segments.forEach(s -> out.add(dir + "/" + s.file()));
    files.forEach(f -> out.add(dir + "/" + f));
    return out;
  }

  public boolean segmented() {
    return segmentSize > 0;
  }
}
