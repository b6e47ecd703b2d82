package io.custody.evidence.custody;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.files.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The head of a custody log, kept outside the log and replaced (atomically: a new file, fsynced,
 * renamed over the old one) after every append: how many entries the log has and the SHA-256 of
 * the last. A log whose tail was cut, or whose last entry was replaced, no longer agrees with its
 * head, so a cut that leaves an intact shorter chain is still found. The head may lag the log by one
 * entry (a crash between writing an entry and its head); the next append catches it up.
 *
 * @param entries the number of entries after the last append
 * @param sha256 the SHA-256 of the last entry's bytes
 */
@JsonPropertyOrder({"format", "entries", "sha256"})
public record CustodyHead(@JsonProperty("format") String format, @JsonProperty("entries") long entries,
    @JsonProperty("sha256") Sha256 sha256) {

  static final String FORMAT = "custody-head/1";

  static CustodyHead of(long entries, Sha256 sha256) {
    return new CustodyHead(FORMAT, entries, sha256);
  }

  /** Replaces the head file atomically and durably. */
  void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(tmp);
    DurableFiles.writeNew(tmp, Json.write(this));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.fsyncDir(file.getParent());
  }

  /** The head file, or null when there is none. */
  static CustodyHead read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    if (Files.size(file) > 4096) {
      throw new IOException(file.getFileName() + " is larger than a custody head");
    }
    CustodyHead h = Json.mapper().readValue(Files.readAllBytes(file), CustodyHead.class);
    if (!FORMAT.equals(h.format()) || h.entries() < 0 || h.sha256() == null) {
      throw new IOException(file.getFileName() + " is not a custody head (" + FORMAT + ")");
    }
    return h;
  }

  /**
   * What is wrong with a chain of these entry files against this head: nothing when they agree, or
   * when the log is one entry ahead and that entry follows the head (a crash before the head update).
   *
   * @param shaOf the SHA-256 of the entry file with a given number (1-based), or null when it is missing
   */
  List<ChainProblem> check(String headPath, long count, java.util.function.LongFunction<Sha256> shaOf, String relativeDir) {
    List<ChainProblem> problems = new ArrayList<>();
    if (count < entries) {
      problems.add(new ChainProblem(headPath, "the custody log ends at entry " + count + " but its head recorded " + entries
          + " entries (last SHA-256 " + sha256 + "): entries " + (count + 1) + " to " + entries + " were removed", false));
      return problems;
    }
    Sha256 recorded = entries == 0 ? Sha256.ZERO : shaOf.apply(entries);
    if (!sha256.equals(recorded)) {
      problems.add(new ChainProblem(entries == 0 ? headPath : relativeDir + "/" + CustodyEntry.fileName(entries),
          "entry " + entries + " is not the one the custody head recorded (SHA-256 " + sha256 + ", now " + recorded + ")", false));
    } else if (count > entries + 1) {
      problems.add(new ChainProblem(headPath, "the custody log has " + count + " entries but its head recorded " + entries
          + ": the head was not kept up to date by the last " + (count - entries) + " appends", false));
    }
    return problems;
  }
}
