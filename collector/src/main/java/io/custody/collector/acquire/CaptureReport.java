package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.Outcome;
import io.custody.lime.LimeInspection;
import java.util.List;

/**
 * What a memory capture did, for the examiner: where the image is, both hashes, the LiME check.
 *
 * @param outcome succeeded only when both hashes agree and the capture is whole
 * @param hostHasher what computed the host's SHA-256: {@code lime-digest} (LiME's own digest, in the
 *     host's kernel) or {@code sha256sum} (on a copy of the stream); {@code unknown} otherwise
 * @param seconds from the intent to the item recorded
 * @param method what read the memory on the host: {@code lime} or {@code avml}
 * @param methodReason why the host used it (with method auto: why not LiME), as the host said
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"case", "instance_id", "instance_type", "memory_mib", "kernel_release", "method", "method_reason", "outcome", "item_id", "bytes", "host_sha256",
    "host_hasher", "workstation_sha256", "s3_uri", "command_id", "parts", "part_size", "seconds", "inspection", "symbols_item", "check", "notes"})
public record CaptureReport(
    @JsonProperty("case") String caseId,
    @JsonProperty("instance_id") String instanceId,
    @JsonProperty("instance_type") String instanceType,
    @JsonProperty("memory_mib") long memoryMib,
    @JsonProperty("kernel_release") String kernelRelease,
    @JsonProperty("outcome") Outcome outcome,
    @JsonProperty("item_id") String itemId,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("host_sha256") Sha256 hostSha256,
    @JsonProperty("host_hasher") String hostHasher,
    @JsonProperty("workstation_sha256") Sha256 workstationSha256,
    @JsonProperty("s3_uri") String s3Uri,
    @JsonProperty("command_id") String commandId,
    @JsonProperty("parts") int parts,
    @JsonProperty("part_size") long partSize,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("inspection") LimeInspection inspection,
    @JsonProperty("symbols_item") String symbolsItem,
    @JsonProperty("check") CaptureCheck check,
    @JsonProperty("notes") List<String> notes,
    @JsonProperty("method") String method,
    @JsonProperty("method_reason") String methodReason) {

  public CaptureReport {
    notes = List.copyOf(notes);
  }

  /** The report with the symbols item and notes about it. */
  public CaptureReport withSymbols(String item, List<String> more) {
    List<String> all = new java.util.ArrayList<>(notes);
    all.addAll(more);
    return new CaptureReport(caseId, instanceId, instanceType, memoryMib, kernelRelease, outcome, itemId, bytes, hostSha256, hostHasher,
        workstationSha256, s3Uri, commandId, parts, partSize, seconds, inspection, item, check, all, method, methodReason);
  }

  /** The report with Volatility's check of the image. */
  public CaptureReport withCheck(CaptureCheck c) {
    return new CaptureReport(caseId, instanceId, instanceType, memoryMib, kernelRelease, outcome, itemId, bytes, hostSha256, hostHasher,
        workstationSha256, s3Uri, commandId, parts, partSize, seconds, inspection, symbolsItem, c, notes, method, methodReason);
  }

  /** True when the hashes agree. */
  public boolean hashesMatch() {
    return hostSha256 != null && hostSha256.equals(workstationSha256);
  }
}
