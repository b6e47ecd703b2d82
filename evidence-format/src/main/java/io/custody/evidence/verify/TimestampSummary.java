package io.custody.evidence.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The RFC 3161 time-stamp over the signature.
 *
 * @param trusted true or false when a TSA trust anchor was given, null when not checked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"gen_time", "tsa", "fingerprint_sha256", "valid", "trusted"})
public record TimestampSummary(
    @JsonProperty("gen_time") String genTime,
    @JsonProperty("tsa") String tsa,
    @JsonProperty("fingerprint_sha256") String fingerprintSha256,
    @JsonProperty("valid") boolean valid,
    @JsonProperty("trusted") Boolean trusted) {}
