package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A LiME file's structure and, when the host's System RAM ranges are known, its completeness: what
 * {@code custody lime inspect} prints and what a memory acquisition records.
 *
 * @param file what was inspected (a path or an S3 key)
 * @param systemRam the host's System RAM ranges, or null when unknown
 * @param ramFindings completeness findings (empty when {@code systemRam} is null)
 * @param avmlLeftOut for a file AVML wrote, checked against System RAM: what it left out by design; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"file", "clean", "layout", "system_ram", "ram_findings", "avml_left_out", "findings"})
public record LimeInspection(
    @JsonProperty("file") String file,
    @JsonProperty("layout") LimeLayout layout,
    @JsonProperty("system_ram") List<PhysRange> systemRam,
    @JsonProperty("ram_findings") List<LimeFinding> ramFindings,
    @JsonProperty("avml_left_out") RangeCheck.AvmlLeftOut avmlLeftOut) {

  public LimeInspection {
    systemRam = systemRam == null ? null : List.copyOf(systemRam);
    ramFindings = List.copyOf(ramFindings);
  }

  /** Checks {@code layout} against {@code systemRam} (null: structure only). */
  public static LimeInspection of(String file, LimeLayout layout, List<PhysRange> systemRam) {
    return new LimeInspection(file, layout, systemRam, systemRam == null ? List.of() : RangeCheck.compare(layout, systemRam), null);
  }

  /** Checks a file AVML wrote against {@code systemRam} (null: structure only), with {@link RangeCheck#compareAvml}. */
  public static LimeInspection ofAvml(String file, LimeLayout layout, List<PhysRange> systemRam) {
    if (systemRam == null) {
      return of(file, layout, null);
    }
    RangeCheck.AvmlLeftOut[] left = new RangeCheck.AvmlLeftOut[1];
    List<LimeFinding> f = RangeCheck.compareAvml(layout, systemRam, x -> left[0] = x);
    return new LimeInspection(file, layout, systemRam, f, left[0]);
  }

  /** Structural findings, then completeness findings. */
  @JsonProperty("findings")
  public List<LimeFinding> findings() {
    List<LimeFinding> all = new ArrayList<>(layout.findings());
    all.addAll(ramFindings);
    return all;
  }

  /** True when the file is well formed and, if the RAM is known, complete. */
  @JsonProperty("clean")
  public boolean clean() {
    return layout.findings().isEmpty() && ramFindings.isEmpty();
  }
}
