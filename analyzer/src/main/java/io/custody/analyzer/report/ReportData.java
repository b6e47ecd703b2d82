package io.custody.analyzer.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Severity;
import java.util.List;
import java.util.Map;

/**
 * Everything the case report shows, as stored in {@code report.json}: the case, the state of its
 * custody log, containment steps, acquisitions with hashes, the analyses found in the case and their
 * findings (disk, CloudTrail, memory or any other analysis JSON, read generically), and the full
 * custody log.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "tool", "generated_utc", "case", "custody", "summary", "containment", "acquisitions", "analyses", "findings", "memory", "log"})
public record ReportData(
    @JsonProperty("kind") String kind,
    @JsonProperty("tool") String tool,
    @JsonProperty("generated_utc") String generatedUtc,
    @JsonProperty("case") CaseSummary kase,
    @JsonProperty("custody") Custody custody,
    @JsonProperty("summary") Map<String, Long> summary,
    @JsonProperty("containment") List<Step> containment,
    @JsonProperty("acquisitions") List<Acquisition> acquisitions,
    @JsonProperty("analyses") List<Analysis> analyses,
    @JsonProperty("findings") List<Finding> findings,
    @JsonProperty("memory") List<MemoryView> memory,
    @JsonProperty("log") List<LogEntry> log) {

  public static final String KIND = "custody.report";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CaseSummary(@JsonProperty("id") String id, @JsonProperty("examiner") String examiner,
      @JsonProperty("organization") String organization, @JsonProperty("description") String description,
      @JsonProperty("opened_utc") String openedUtc, @JsonProperty("host") String host) {}

  /** The custody log's state when the report was made. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Custody(@JsonProperty("entries") int entries, @JsonProperty("head_sha256") String head,
      @JsonProperty("intact") boolean intact, @JsonProperty("problems") List<String> problems,
      @JsonProperty("open_actions") List<Long> openActions) {}

  /** A containment action (contained/released) and how it ended. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(@JsonProperty("seq") long seq, @JsonProperty("time_utc") String time, @JsonProperty("event") String event,
      @JsonProperty("outcome") String outcome, @JsonProperty("targets") List<String> targets, @JsonProperty("aws_api") String awsApi,
      @JsonProperty("request_id") String requestId, @JsonProperty("notes") String notes) {}

  /** An evidence item that is not an analysis output. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Acquisition(@JsonProperty("item") String item, @JsonProperty("type") String type, @JsonProperty("source_id") String sourceId,
      @JsonProperty("acquired_utc") String acquiredUtc, @JsonProperty("size") long size, @JsonProperty("sha256") String sha256,
      @JsonProperty("md5") String md5, @JsonProperty("sha1") String sha1, @JsonProperty("stored") String stored,
      @JsonProperty("origin") String origin, @JsonProperty("notes") String notes) {}

  /**
   * An analysis output of the case. {@code facts} are its top-level scalar fields (for kinds this
   * report does not know). {@code supersededBy}: a later run of the same analysis of the same source
   * (kept in the case and its custody log, not counted: the report uses the newest).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Analysis(@JsonProperty("item") String item, @JsonProperty("name") String name, @JsonProperty("kind") String kind,
      @JsonProperty("sha256") String sha256, @JsonProperty("size") long size, @JsonProperty("findings") int findings,
      @JsonProperty("facts") Map<String, String> facts, @JsonProperty("problem") String problem,
      @JsonProperty("superseded_by") String supersededBy) {

    public Analysis(String item, String name, String kind, String sha256, long size, int findings, Map<String, String> facts, String problem) {
      this(item, name, kind, sha256, size, findings, facts, problem, null);
    }
  }

  /** A finding from any analysis, in one shape. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Finding(@JsonProperty("source") String source, @JsonProperty("item") String item, @JsonProperty("severity") Severity severity,
      @JsonProperty("rule") String rule, @JsonProperty("where") String where, @JsonProperty("time_utc") String time,
      @JsonProperty("reason") String reason, @JsonProperty("evidence") String evidence) {}

  /**
   * The kernel's view of one memory analysis (Volatility 3): the process tree, the network connections
   * with their processes, and the modules hidden from the module list.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MemoryView(@JsonProperty("item") String item, @JsonProperty("source_id") String sourceId,
      @JsonProperty("memory_item") String memoryItem, @JsonProperty("status") String status, @JsonProperty("reason") String reason,
      @JsonProperty("processes") List<Proc> processes, @JsonProperty("connections") List<Conn> connections,
      @JsonProperty("hidden_modules") List<String> hiddenModules) {}

  /** A process of the tree; {@code flagged}: a finding names it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Proc(@JsonProperty("pid") long pid, @JsonProperty("ppid") long ppid, @JsonProperty("comm") String comm,
      @JsonProperty("args") String args, @JsonProperty("uid") String uid, @JsonProperty("exe") String exe, @JsonProperty("started") String started,
      @JsonProperty("kernel_thread") boolean kernelThread, @JsonProperty("flagged") boolean flagged) {}

  /** A network connection (or listener) and the process holding it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Conn(@JsonProperty("pid") long pid, @JsonProperty("process") String process, @JsonProperty("proto") String proto,
      @JsonProperty("local") String local, @JsonProperty("remote") String remote, @JsonProperty("state") String state,
      @JsonProperty("flagged") boolean flagged) {}

  /** One custody entry. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LogEntry(@JsonProperty("seq") long seq, @JsonProperty("time_utc") String time, @JsonProperty("event") String event,
      @JsonProperty("outcome") String outcome, @JsonProperty("refers_to") Long refersTo, @JsonProperty("actor") String actor,
      @JsonProperty("objects") List<String> objects, @JsonProperty("aws") String aws, @JsonProperty("notes") String notes) {}
}
