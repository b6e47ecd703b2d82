package io.custody.collector.contain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** The steps of a playbook run, in order: {@code {"steps":[{name,status,detail,requestId}]}} as JSON. */
public record PlaybookReport(List<StepResult> steps) {

  public PlaybookReport {
    steps = List.copyOf(steps);
  }

  /** 0 when no step failed, else the exit code of the first failure. */
  @JsonIgnore
  public int exitCode() {
    return steps.stream().filter(s -> s.status() == StepStatus.FAILED).mapToInt(StepResult::exitCode).findFirst().orElse(0);
  }
}
