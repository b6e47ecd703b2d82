package io.custody.evidence.custody;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The AWS call behind a custody entry: the request id is what CloudTrail shows for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"api", "region", "request_id"})
public record AwsCall(
    @JsonProperty("api") String api,
    @JsonProperty("region") String region,
    @JsonProperty("request_id") String requestId) {}
