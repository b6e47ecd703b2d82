package io.custody.analyzer.cloudtrail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.analyzer.sigma.SkippedRule;
import java.util.List;

/**
 * The result of a CloudTrail analysis, stored in the case as {@code cloudtrail-analysis.json}.
 *
 * @param kind always {@value #KIND}, so a report can recognise the document
 * @param recordsRead every record in the inputs
 * @param recordsAnalysed those that passed the filters ({@code --since}, {@code --access-key})
 * @param findings built-in and Sigma findings, most severe first
 * @param findingsDropped events not grouped because the finding bound was reached (normally 0)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "tool", "generated_utc", "filters", "inputs", "records_read", "records_analysed", "sigma", "findings",
    "findings_dropped", "principals", "access_keys", "principals_dropped"})
public record CloudTrailReport(
    @JsonProperty("kind") String kind,
    @JsonProperty("tool") String tool,
    @JsonProperty("generated_utc") String generatedUtc,
    @JsonProperty("filters") Filters filters,
    @JsonProperty("inputs") List<InputFile> inputs,
    @JsonProperty("records_read") long recordsRead,
    @JsonProperty("records_analysed") long recordsAnalysed,
    @JsonProperty("sigma") Sigma sigma,
    @JsonProperty("findings") List<CloudTrailFinding> findings,
    @JsonProperty("findings_dropped") long findingsDropped,
    @JsonProperty("principals") List<ActivitySummary> principals,
    @JsonProperty("access_keys") List<ActivitySummary> accessKeys,
    @JsonProperty("principals_dropped") long principalsDropped) {

  public static final String KIND = "custody.cloudtrail-analysis";

  /** The filters of the run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Filters(@JsonProperty("since") String since, @JsonProperty("access_key") String accessKey) {}

  /** The Sigma rules of the run: where from, how many evaluated, which skipped and why. */
  @JsonPropertyOrder({"source", "loaded", "skipped"})
  public record Sigma(@JsonProperty("source") String source, @JsonProperty("loaded") int loaded,
      @JsonProperty("skipped") List<SkippedRule> skipped) {}

  /** Files that were skipped or could not be (fully) read. */
  public List<InputFile> problems() {
    return inputs.stream().filter(i -> i.problem() != null).toList();
  }

  /** Files that claim to be CloudTrail and were not wholly readable: the analysis is partial. */
  public List<InputFile> damaged() {
    return inputs.stream().filter(InputFile::damaged).toList();
  }
}
