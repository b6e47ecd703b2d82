package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Severity;
import java.util.List;

/**
 * A CloudTrail finding: one rule (built-in or Sigma) and one acting principal, with every event that
 * made it (their {@code eventID}s, the first {@value FindingCollector#MAX_IDS} listed).
 *
 * @param source {@code builtin} or {@code sigma}
 * @param severity info, low, medium, high or critical
 * @param reason what happened, from the first event, in words
 * @param sigma the Sigma rule (file, id, author as its licence asks) when {@code source} is sigma
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rule_id", "source", "title", "severity", "reason", "principal", "access_keys", "first_time", "last_time",
    "event_count", "event_names", "event_ids", "sigma"})
public record CloudTrailFinding(
    @JsonProperty("rule_id") String ruleId,
    @JsonProperty("source") String source,
    @JsonProperty("title") String title,
    @JsonProperty("severity") Severity severity,
    @JsonProperty("reason") String reason,
    @JsonProperty("principal") String principal,
    @JsonProperty("access_keys") List<String> accessKeys,
    @JsonProperty("first_time") String firstTime,
    @JsonProperty("last_time") String lastTime,
    @JsonProperty("event_count") long eventCount,
    @JsonProperty("event_names") List<String> eventNames,
    @JsonProperty("event_ids") List<String> eventIds,
    @JsonProperty("sigma") SigmaRef sigma) {

  /** The Sigma rule behind a finding, credited as the Detection Rule License asks. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"file", "id", "level", "author", "tags"})
  public record SigmaRef(
      @JsonProperty("file") String file,
      @JsonProperty("id") String id,
      @JsonProperty("level") String level,
      @JsonProperty("author") String author,
      @JsonProperty("tags") List<String> tags) {}
}
