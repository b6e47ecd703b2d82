package io.custody.collector.contain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.ExitCode;
import java.util.List;

/**
 * One step of a playbook run.
 *
 * @param requestId AWS's request id(s) of the changes the step made, comma-separated, or null when
 *     it changed nothing (what it is for was already in place)
 * @param exitCode for a failed step, the exit code of its failure
 * @param resources what the step made or found in place (snapshot ids, group ids), for the record
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "status", "detail", "requestId", "resources"})
public record StepResult(String name, StepStatus status, String detail, String requestId, @JsonIgnore ExitCode exitCode,
    List<String> resources) {

  public StepResult {
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  public static StepResult done(String name, String detail, String requestId) {
    return done(name, detail, requestId, List.of());
  }

  public static StepResult done(String name, String detail, String requestId, List<String> resources) {
    return new StepResult(name, StepStatus.DONE, detail, requestId, ExitCode.OK, resources);
  }

  public static StepResult skipped(String name, String reason) {
    return new StepResult(name, StepStatus.SKIPPED, reason, null, ExitCode.OK, List.of());
  }

  public static StepResult planned(String name, String detail) {
    return new StepResult(name, StepStatus.PLANNED, detail, null, ExitCode.OK, List.of());
  }
}
