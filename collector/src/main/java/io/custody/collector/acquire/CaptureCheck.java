package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Volatility 3's look at a capture right after it: does it find the kernel in the image with the
 * capture's own symbol table, and walk the process list? A smeared or unusable capture (common on busy
 * hosts) fails here, while the host is still running and can be captured again ({@code --retry}).
 *
 * @param status {@code ok}, {@code failed} (Volatility could not use the image), or {@code skipped}
 *     (no symbol table, no Volatility): only {@code failed} is a reason to capture again
 * @param processes tasks in the process list when ok
 * @param attempt which capture this was (1 for the first)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptureCheck(
    @JsonProperty("status") String status,
    @JsonProperty("processes") Integer processes,
    @JsonProperty("reason") String reason,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("attempt") int attempt) {

  public boolean failed() {
    return "failed".equals(status);
  }
}
