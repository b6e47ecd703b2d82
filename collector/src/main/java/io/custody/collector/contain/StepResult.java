package io.custody.collector.contain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.ExitCode;

/**
 * One step of a playbook run.
 *
 * @param requestId AWS's request id(s) of the changes the step made, comma-separated, or null
 * @param exitCode for a failed step, the exit code of its failure
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "status", "detail", "requestId"})
public record StepResult(String name, StepStatus status, String detail, String requestId, @JsonIgnore ExitCode exitCode) {

  public static StepResult done(String name, String detail, String requestId) {
    return new StepResult(name, StepStatus.DONE, detail, requestId, ExitCode.OK);
  }

  public static StepResult skipped(String name, String reason) {
    return new StepResult(name, StepStatus.SKIPPED, reason, null, ExitCode.OK);
  }

  public static StepResult planned(String name, String detail) {
    return new StepResult(name, StepStatus.PLANNED, detail, null, ExitCode.OK);
  }
}
