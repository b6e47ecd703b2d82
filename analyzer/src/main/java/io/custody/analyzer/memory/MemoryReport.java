package io.custody.analyzer.memory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
@JsonPropertyOrder({"item_id", "source_id", "sha256", "analysis_item", "layout", "banners", "network", "processes", "yara_rules", "yara",
    "dropped_strings"})
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
    @JsonProperty("dropped_strings") long droppedStrings) {

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

  /** Findings: YARA matched, or the LiME file has structural problems. */
  public boolean hasFindings() {
    return (yara != null && !yara.isEmpty()) || !layout.findings().isEmpty();
  }
}
