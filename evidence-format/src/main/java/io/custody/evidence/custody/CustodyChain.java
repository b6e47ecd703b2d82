package io.custody.evidence.custody;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a custody chain from the exact bytes of its entry files. Used by the live case log and by
 * the bundle verifier, so both apply the same rules: names {@code NNNNNN.json} numbered 1..N without
 * gaps; each file a JSON entry ending in a newline; {@code seq} equal to the file number; {@code
 * prev_sha256} equal to the SHA-256 of the previous file; {@code refers_to} naming an earlier intent.
 */
public final class CustodyChain {

  /** No custody entry may be larger than this. */
  public static final int MAX_ENTRY_BYTES = 1 << 20;

  private static final Pattern NAME = Pattern.compile("(\\d{6})\\.json");

  private CustodyChain() {}

  /** An entry file: its name relative to the custody folder's parent (for messages) and bytes. */
  public record EntryFile(String path, byte[] bytes) {}

  /** Number of an entry file name such as {@code 000012.json}, or -1. */
  public static long number(String fileName) {
    Matcher m = NAME.matcher(fileName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /**
   * Checks the files, which must be sorted by name.
   *
   * @return every problem, never throws for bad content
   */
  public static ChainReport verify(List<EntryFile> files) {
    List<ChainProblem> problems = new ArrayList<>();
    List<CustodyEntry> entries = new ArrayList<>();
    Map<Long, CustodyEntry> bySeq = new HashMap<>();
    Sha256 prev = Sha256.ZERO;
    long expected = 1;
    for (int i = 0; i < files.size(); i++) {
      EntryFile f = files.get(i);
      boolean last = i == files.size() - 1;
      String base = f.path().substring(f.path().lastIndexOf('/') + 1);
      long number = number(base);
      if (number < 0) {
        problems.add(new ChainProblem(f.path(), "not a custody entry name (expected NNNNNN.json)", false));
        continue;
      }
      if (number != expected) {
        problems.add(new ChainProblem(f.path(), number > expected
            ? "gap: entries " + CustodyEntry.fileName(expected) + " to " + CustodyEntry.fileName(number - 1) + " are missing"
            : "entry number " + number + " out of order (expected " + expected + ")", false));
      }
      expected = number + 1;
      Sha256 own = Sha256.digest(f.bytes());
      CustodyEntry e = parse(f, last, problems);
      if (e != null) {
        if (e.seq() != number) {
          problems.add(new ChainProblem(f.path(), "seq " + e.seq() + " does not match file number " + number, false));
        }
        if (!prev.equals(e.prevSha256())) {
          problems.add(new ChainProblem(f.path(), "prev_sha256 " + e.prevSha256() + " does not match the previous entry (" + prev + ")", false));
        }
        if (e.refersTo() != null) {
          CustodyEntry intent = bySeq.get(e.refersTo());
          if (intent == null || intent.outcome() != Outcome.INTENT) {
            problems.add(new ChainProblem(f.path(), "refers_to " + e.refersTo() + " is not an earlier intent entry", false));
          }
        }
        entries.add(e);
        bySeq.put(e.seq(), e);
      }
      prev = own;
    }
    return new ChainReport(entries, problems, prev, files.size());
  }

  /** Parses one entry, adding a problem (torn when it is the last one) instead of throwing. */
  static CustodyEntry parse(EntryFile f, boolean last, List<ChainProblem> problems) {
    byte[] b = f.bytes();
    if (b.length > MAX_ENTRY_BYTES) {
      problems.add(new ChainProblem(f.path(), "entry of " + b.length + " bytes exceeds " + MAX_ENTRY_BYTES, false));
      return null;
    }
    if (b.length == 0 || b[b.length - 1] != '\n') {
      problems.add(new ChainProblem(f.path(), (last ? "torn entry: " : "") + "entry does not end with a newline (" + b.length + " bytes)", last));
      return null;
    }
    try {
      CustodyEntry e = Json.mapper().readValue(b, CustodyEntry.class);
      if (e.entryId() == null || e.prevSha256() == null || e.timeUtc() == null || e.event() == null || e.outcome() == null) {
        problems.add(new ChainProblem(f.path(), "entry lacks entry_id, prev_sha256, time_utc, event or outcome", false));
        return null;
      }
      return e;
    } catch (JsonProcessingException ex) {
      long offset = ex.getLocation() == null ? -1 : ex.getLocation().getByteOffset();
      if (offset < 0 && ex.getLocation() != null) {
        offset = ex.getLocation().getCharOffset();
      }
      problems.add(new ChainProblem(f.path(), (last ? "torn entry: " : "") + "not a valid entry at offset " + offset + ": " + ex.getOriginalMessage(), last));
      return null;
    } catch (IOException | RuntimeException ex) {
      problems.add(new ChainProblem(f.path(), "not a valid entry: " + ex.getMessage(), last));
      return null;
    }
  }
}
