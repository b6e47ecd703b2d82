package io.custody.evidence.workspace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** What {@code custody case open} recorded: written once to {@code case.json}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "examiner", "organization", "description", "opened_utc", "host", "tool"})
public record CaseInfo(
    @JsonProperty("id") String id,
    @JsonProperty("examiner") String examiner,
    @JsonProperty("organization") String organization,
    @JsonProperty("description") String description,
    @JsonProperty("opened_utc") String openedUtc,
    @JsonProperty("host") String host,
    @JsonProperty("tool") String tool) {}
