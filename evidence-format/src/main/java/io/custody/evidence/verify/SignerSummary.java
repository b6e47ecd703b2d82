package io.custody.evidence.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Who signed a bundle, as the signature shows it.
 *
 * @param trusted true when the signer chains to a given trust anchor
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"subject", "issuer", "serial", "fingerprint_sha256", "algorithm", "signing_time", "signature_valid", "trusted"})
public record SignerSummary(
    @JsonProperty("subject") String subject,
    @JsonProperty("issuer") String issuer,
    @JsonProperty("serial") String serial,
    @JsonProperty("fingerprint_sha256") String fingerprintSha256,
    @JsonProperty("algorithm") String algorithm,
    @JsonProperty("signing_time") String signingTime,
    @JsonProperty("signature_valid") boolean signatureValid,
    @JsonProperty("trusted") boolean trusted) {}
