package io.custody.collector.contain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.custody.evidence.ExitCode;
import java.util.List;

/** The steps of a playbook run, in order: {@code {"steps":[{name,status,detail,requestId}]}} as JSON. */
public record PlaybookReport(List<StepResult> steps) {

  public PlaybookReport {
    steps = List.copyOf(steps);
  }

  /** OK when no step failed, else what the first failure means. */
  @JsonIgnore
  public ExitCode exitCode() {
    return steps.stream().filter(s -> s.status() == StepStatus.FAILED).map(StepResult::exitCode).findFirst().orElse(ExitCode.OK);
  }
}
