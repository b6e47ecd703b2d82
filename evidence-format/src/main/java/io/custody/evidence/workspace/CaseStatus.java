package io.custody.evidence.workspace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.ChainProblem;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import java.util.List;

/**
 * {@code custody case status}: the case, its items, the state of its custody log (intact, torn,
 * actions begun but never finished) and acquisitions that never finished.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"case", "dir", "items", "custody", "interrupted_items"})
public record CaseStatus(
    @JsonProperty("case") CaseInfo info,
    @JsonProperty("dir") String dir,
    @JsonProperty("items") List<Item> items,
    @JsonProperty("custody") Custody custody,
    @JsonProperty("interrupted_items") List<String> interruptedItems) {

  /** The custody log's state. */
  @JsonPropertyOrder({"entries", "head_sha256", "intact", "problems", "open_actions"})
  public record Custody(
      @JsonProperty("entries") int entries,
      @JsonProperty("head_sha256") Sha256 head,
      @JsonProperty("intact") boolean intact,
      @JsonProperty("problems") List<ChainProblem> problems,
      @JsonProperty("open_actions") List<CustodyEntry> openActions) {}

  public static CaseStatus of(Case kase) {
    ChainReport chain = kase.log().verify();
    Custody custody = new Custody(chain.count(), chain.head(), chain.intact(), chain.problems(), CustodyLog.openIntents(chain.entries()));
    return new CaseStatus(kase.info(), kase.dir().toString(), kase.items(), custody, kase.interruptedItems());
  }
}
