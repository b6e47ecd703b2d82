package io.custody.analyzer.disk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;
import java.util.List;

/**
 * The result of a disk analysis, stored in the case as {@code disk-findings.json} beside the
 * bodyfiles and {@code timeline.csv}.
 *
 * @param kind always {@value #KIND}
 * @param item the analysed disk item, its source and recorded SHA-256 (verified before use)
 * @param timelineRows rows of timeline.csv
 * @param findings most severe first
 * @param events what the host's login records and authentication logs say happened, in time order (UTC): in
 *     {@code host-events.jsonl} and timeline.csv, not in this JSON (a host's logs can hold millions)
 * @param eventCounts how many events of each kind
 * @param authorizedKeys every key of every account's authorized_keys, fingerprinted, with the logins that used it
 * @param notes what the examiner should know: skipped file systems, degraded runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "tool", "generated_utc", "item", "source_id", "sha256", "size", "window", "filesystems", "timeline_rows", "findings",
    "event_counts", "authorized_keys", "notes"})
public record DiskReport(
    @JsonProperty("kind") String kind,
    @JsonProperty("tool") String tool,
    @JsonProperty("generated_utc") String generatedUtc,
    @JsonProperty("item") String item,
    @JsonProperty("source_id") String sourceId,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("size") long size,
    @JsonProperty("window") Window window,
    @JsonProperty("filesystems") List<FileSystemReport> filesystems,
    @JsonProperty("timeline_rows") long timelineRows,
    @JsonProperty("findings") List<DiskFinding> findings,
    @com.fasterxml.jackson.annotation.JsonIgnore List<HostEvent> events,
    @JsonProperty("event_counts") java.util.Map<String, Long> eventCounts,
    @JsonProperty("authorized_keys") List<SshKeys.Key> authorizedKeys,
    @JsonProperty("notes") List<String> notes) {

  public static final String KIND = "custody.disk-analysis";

  /** The incident window ({@code --since}, {@code --until}), RFC 3339; either may be null. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Window(@JsonProperty("since") String since, @JsonProperty("until") String until) {}
}
