package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * What one principal (or one access key) did: when, where, from which addresses and user agents,
 * which API calls how often, which errors, bursts of denied calls, what it created. Counting maps
 * keep at most {@value Tracker#MAX_KEYS} distinct keys; the rest is counted under {@code (other)}.
 *
 * @param key the principal ARN (or type:id) or the access key id
 * @param principals for an access key: the principals that used it; for a principal: empty
 * @param accessKeys for a principal: the keys it used; for a key: empty
 * @param apiCalls "eventSource:eventName" → count
 * @param deniedBursts 10 or more AccessDenied/Unauthorized errors within 5 minutes
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"key", "type", "principals", "access_keys", "first_seen", "last_seen", "events", "regions", "source_ips", "user_agents",
    "api_calls", "errors", "denied_bursts", "resources_created"})
public record ActivitySummary(
    @JsonProperty("key") String key,
    @JsonProperty("type") String type,
    @JsonProperty("principals") List<String> principals,
    @JsonProperty("access_keys") List<String> accessKeys,
    @JsonProperty("first_seen") String firstSeen,
    @JsonProperty("last_seen") String lastSeen,
    @JsonProperty("events") long events,
    @JsonProperty("regions") Map<String, Long> regions,
    @JsonProperty("source_ips") Map<String, Long> sourceIps,
    @JsonProperty("user_agents") Map<String, Long> userAgents,
    @JsonProperty("api_calls") Map<String, Long> apiCalls,
    @JsonProperty("errors") Map<String, Long> errors,
    @JsonProperty("denied_bursts") List<Burst> deniedBursts,
    @JsonProperty("resources_created") List<Created> resourcesCreated) {

  /** A burst of denied calls. */
  @JsonPropertyOrder({"start", "end", "count"})
  public record Burst(@JsonProperty("start") String start, @JsonProperty("end") String end, @JsonProperty("count") long count) {}

  /** A resource the principal created (Create*, RunInstances, …), successful calls only. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"time", "event_name", "resource", "event_id"})
  public record Created(@JsonProperty("time") String time, @JsonProperty("event_name") String eventName,
      @JsonProperty("resource") String resource, @JsonProperty("event_id") String eventId) {}
}
