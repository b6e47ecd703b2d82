package io.custody.analyzer.memory;

import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.MEDIUM;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Severity;
import io.custody.evidence.Sha256;
import io.custody.lime.LimeLayout;
import java.util.List;

/**
 * What {@code custody analyze memory} found in a memory item: the LiME range table, kernel banners,
 * network- and process-looking strings and YARA matches, every place as a file offset in the raw
 * LiME stream and, where it falls in a range, a physical address.
 *
 * @param analysisItem the case item holding this report as JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "item_id", "source_id", "sha256", "analysis_item", "layout", "banners", "network", "processes", "yara_rules", "yara",
    "dropped_strings", "kernel", "findings"})
public record MemoryReport(
    @JsonProperty("item_id") String itemId,
    @JsonProperty("source_id") String sourceId,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("analysis_item") String analysisItem,
    @JsonProperty("layout") LimeLayout layout,
    @JsonProperty("banners") List<Found> banners,
    @JsonProperty("network") List<Found> network,
    @JsonProperty("processes") List<Found> processes,
    @JsonProperty("yara_rules") List<String> yaraRules,
    @JsonProperty("yara") List<YaraMatch> yara,
    @JsonProperty("dropped_strings") long droppedStrings,
    @JsonProperty("kernel") KernelView kernel,
    @com.fasterxml.jackson.annotation.JsonIgnore List<Finding> kernelFindings) {

  public MemoryReport {
    kernelFindings = kernelFindings == null ? List.of() : List.copyOf(kernelFindings);
  }

  /**
   * A distinct string, how often it occurs and where first.
   *
   * @param physicalAddress hex, or null when the offset is not inside a LiME range
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"text", "count", "file_offset", "physical_address"})
  public record Found(
      @JsonProperty("text") String text,
      @JsonProperty("count") long count,
      @JsonProperty("file_offset") long fileOffset,
      @JsonProperty("physical_address") String physicalAddress) {}

  /** One YARA rule that matched, with its string matches. */
  @JsonPropertyOrder({"rule", "strings"})
  public record YaraMatch(@JsonProperty("rule") String rule, @JsonProperty("strings") List<YaraString> strings) {}

  /** One string match of a YARA rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"id", "file_offset", "physical_address", "data"})
  public record YaraString(
      @JsonProperty("id") String id,
      @JsonProperty("file_offset") long fileOffset,
      @JsonProperty("physical_address") String physicalAddress,
      @JsonProperty("data") String data) {}

  /** What this document is, as every analysis of the case says. */
  public static final String KIND = "custody.memory-analysis";

  @JsonProperty("kind")
  public String kind() {
    return KIND;
  }

  /**
   * The findings in the shape every analysis of the case shares (what the case report lists): those
   * from the kernel's view (processes, connections, modules, injected code: {@link KernelFindings}),
   * one per YARA rule that matched (severity high: a rule the analyst chose for this case fired) and
   * one per structural problem of the LiME file (medium: the image holds less than it claims).
   */
  @JsonProperty("findings")
  public List<Finding> findings() {
    List<Finding> out = new java.util.ArrayList<>(kernelFindings);
    if (yara != null) {
      for (YaraMatch m : yara) {
        YaraString first = m.strings().isEmpty() ? null : m.strings().get(0);
        String where = first == null ? null : first.physicalAddress() != null ? "physical " + first.physicalAddress() : "file offset " + first.fileOffset();
        out.add(new Finding("yara:" + m.rule(), HIGH, where, first == null ? null : first.data(),
            "YARA rule " + m.rule() + " matched " + m.strings().size() + " string(s) in the memory image" + (first == null ? "" : ", first at " + where)));
      }
    }
    for (var f : layout.findings()) {
      out.add(new Finding("lime-" + f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), MEDIUM, "file offset " + f.offset(), null,
          f.message()));
    }
    return out;
  }

  /** One finding: rule id, severity, where in the image, a short excerpt and the reason. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"rule_id", "severity", "address", "excerpt", "reason"})
  public record Finding(
      @JsonProperty("rule_id") String ruleId,
      @JsonProperty("severity") Severity severity,
      @JsonProperty("address") String address,
      @JsonProperty("excerpt") String excerpt,
      @JsonProperty("reason") String reason) {}

  /** Findings: the kernel's view, YARA matched, or the LiME file has structural problems. */
  public boolean hasFindings() {
    return !kernelFindings.isEmpty() || (yara != null && !yara.isEmpty()) || !layout.findings().isEmpty();
  }
}
