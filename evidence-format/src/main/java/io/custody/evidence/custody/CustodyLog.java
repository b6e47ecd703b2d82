package io.custody.evidence.custody;

import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.files.DurableFiles;
import io.custody.evidence.files.Locks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The append-only, hash-chained custody log of a case: one file per entry in a folder, each created
 * new, written, fsynced (file and folder) and never touched again. Appenders in any process are
 * serialised by a file lock; within one JVM by a lock per log. After every append the log's head
 * (entry count and SHA-256 of the last entry, {@link CustodyHead}) is replaced atomically in a file
 * outside the folder: a tail cut from the log, or a last entry replaced, no longer agrees with it,
 * so {@link #verify} reports it and {@link #append} refuses to write over it.
 *
 * <p>A torn last entry (a crash in the middle of an append) is never dropped: the next append moves
 * its bytes to {@code tornDir} and writes, under the same number, a {@code log-recovered} entry that
 * names them and their SHA-256.
 */
public final class CustodyLog {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

  /**
   * Fault injection for the crash tests: with {@code CUSTODY_FAULT_HALT_BEFORE_ENTRY=N} in the
   * environment the process halts, as {@code kill -9} would, just before it writes entry N (after the
   * action that entry records has happened, when N is an outcome). Unset: never.
   */
  private static final long HALT_BEFORE = haltBefore(System.getenv("CUSTODY_FAULT_HALT_BEFORE_ENTRY"));

  private final Path dir;
  private final Path lockFile;
  private final Path tornDir;
  private final Path headFile;
  private final String relativeDir;
  private final Clock clock;
  private final Actor actor;

  /**
   * @param dir the folder holding {@code NNNNNN.json} (created if missing)
   * @param lockFile the lock file, outside {@code dir}
   * @param tornDir where torn entries are preserved, outside {@code dir}
   * @param headFile the head of the log, outside {@code dir}
   * @param relativeDir how paths are named in messages and objects, e.g. {@code custody}
   */
  public CustodyLog(Path dir, Path lockFile, Path tornDir, Path headFile, String relativeDir, Clock clock, Actor actor) {
    this.dir = dir;
    this.lockFile = lockFile;
    this.tornDir = tornDir;
    this.headFile = headFile;
    this.relativeDir = relativeDir;
    this.clock = clock;
    this.actor = actor;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Appends an entry.
   *
   * @return the entry as written
   * @throws IntegrityException when the log is broken in a way other than a torn last entry, or no
   *     longer agrees with its head (entries removed or replaced)
   * @throws HostException when the file system refuses
   */
  public CustodyEntry append(Event event) {
    try (Locks.Held ignored = Locks.exclusive(lockFile)) {
      Files.createDirectories(dir);
      TreeMap<Long, Path> files = list();
      long seq = files.isEmpty() ? 1 : files.lastKey() + 1;
      byte[] lastBytes = files.isEmpty() ? null : Files.readAllBytes(files.lastEntry().getValue());
      checkHead(files, lastBytes);
      Sha256 prev = Sha256.ZERO;
      if (!files.isEmpty()) {
        long lastNo = files.lastKey();
        List<ChainProblem> problems = new ArrayList<>();
        CustodyChain.parse(new CustodyChain.EntryFile(relativeDir + "/" + CustodyEntry.fileName(lastNo), lastBytes), true, problems);
        if (problems.isEmpty()) {
          prev = Sha256.digest(lastBytes);
        } else if (problems.get(0).torn()) {
          // The recovery entry takes the torn entry's number; this entry follows it.
          prev = recoverTorn(files, lastNo, lastBytes, problems.get(0).detail());
        } else {
          throw new IntegrityException("Failed to append to custody log '" + dir + "': " + problems.get(0).detail());
        }
      }
      if (seq == HALT_BEFORE) {
        Runtime.getRuntime().halt(137);
      }
      CustodyEntry entry = entry(seq, prev, event);
      byte[] bytes = Json.write(entry);
      write(dir.resolve(CustodyEntry.fileName(seq)), bytes);
      CustodyHead.of(seq, Sha256.digest(bytes)).write(headFile);
      return entry;
    } catch (IOException e) {
      throw new HostException("Failed to append to custody log '" + dir + "': " + e.getMessage(), e);
    }
  }

  private static long haltBefore(String value) {
    try {
      return value == null ? -1 : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Writes the intent entry of an action; pass it to {@link #complete} afterwards. */
  public CustodyEntry begin(Event event) {
    return append(event.outcome(Outcome.INTENT));
  }

  /** Writes the outcome entry of an action started with {@link #begin}. */
  public CustodyEntry complete(CustodyEntry intent, Event event, Outcome outcome) {
    if (outcome == Outcome.INTENT || outcome == Outcome.RECORDED) {
      throw new IllegalArgumentException("an outcome must be succeeded, failed or partial");
    }
    return append(event.outcome(outcome).refersTo(intent.seq()));
  }

  /** Reads and checks the whole chain, and that it agrees with its head. */
  public ChainReport verify() {
    try (Locks.Held ignored = Locks.exclusive(lockFile)) {
      List<CustodyChain.EntryFile> files = new ArrayList<>();
      if (Files.isDirectory(dir)) {
        for (var e : list().entrySet()) {
          files.add(new CustodyChain.EntryFile(relativeDir + "/" + CustodyEntry.fileName(e.getKey()), readBounded(e.getValue())));
        }
      }
      ChainReport chain = CustodyChain.verify(files);
      List<ChainProblem> problems = new ArrayList<>(chain.problems());
      problems.addAll(headProblems(files.size(), n -> n >= 1 && n <= files.size() ? Sha256.digest(files.get((int) n - 1).bytes()) : null));
      return new ChainReport(chain.entries(), problems, chain.head(), chain.count());
    } catch (IOException e) {
      throw new HostException("Failed to read custody log '" + dir + "': " + e.getMessage(), e);
    }
  }

  /** Refuses to append to a log that does not agree with its head: its tail would be lost for good. */
  private void checkHead(TreeMap<Long, Path> files, byte[] lastBytes) throws IOException {
    long last = files.isEmpty() ? 0 : files.lastKey();
    List<ChainProblem> problems = headProblems(last, n -> {
      if (n == last) {
        return Sha256.digest(lastBytes); // the head names the last entry unless a crash came between the two writes
      }
      Path p = files.get(n);
      try {
        return p == null ? null : Sha256.digest(Files.readAllBytes(p));
      } catch (IOException e) {
        return null;
      }
    });
    if (!problems.isEmpty()) {
      throw new IntegrityException("Failed to append to custody log '" + dir + "': " + problems.get(0).detail());
    }
  }

  /** Where the log and its head disagree (a missing head is a problem once the log has entries). */
  private List<ChainProblem> headProblems(long count, java.util.function.LongFunction<Sha256> shaOf) throws IOException {
    String headPath = headFile.getFileName().toString();
    CustodyHead head;
    try {
      head = CustodyHead.read(headFile);
    } catch (IOException e) {
      return List.of(new ChainProblem(headPath, "the custody head cannot be read: " + e.getMessage(), false));
    }
    if (head == null) {
      return count == 0 ? List.of() : List.of(new ChainProblem(headPath, "the custody head is missing although the log has " + count
          + " entries", false));
    }
    return head.check(headPath, count, shaOf, relativeDir);
  }

  /**
   * The open intents of a sealed chain other than the seal's own, which is its last entry: what a
   * bundle sealed with {@code --allow-incomplete} declares (their numbers).
   */
  public static List<Long> openBeforeSeal(List<CustodyEntry> entries) {
    long seal = entries.isEmpty() ? -1 : entries.get(entries.size() - 1).seq();
    return openIntents(entries).stream().map(CustodyEntry::seq).filter(seq -> seq != seal).toList();
  }

  /** Actions whose intent has no outcome yet: a crash or an action still running. */
  public static List<CustodyEntry> openIntents(List<CustodyEntry> entries) {
    TreeMap<Long, CustodyEntry> open = new TreeMap<>();
    for (CustodyEntry e : entries) {
      if (e.outcome() == Outcome.INTENT) {
        open.put(e.seq(), e);
      } else if (e.refersTo() != null) {
        open.remove(e.refersTo());
      }
    }
    return List.copyOf(open.values());
  }

  private byte[] readBounded(Path p) throws IOException {
    long size = Files.size(p);
    if (size > CustodyChain.MAX_ENTRY_BYTES) {
      // Keep the bound: the chain check reports the oversize entry from its first bytes.
      byte[] b = new byte[CustodyChain.MAX_ENTRY_BYTES + 1];
      try (var in = Files.newInputStream(p)) {
        return b.length == in.readNBytes(b, 0, b.length) ? b : java.util.Arrays.copyOf(b, (int) size);
      }
    }
    return Files.readAllBytes(p);
  }

  private TreeMap<Long, Path> list() throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        long n = CustodyChain.number(p.getFileName().toString());
        if (n > 0) {
          files.put(n, p);
        }
      }
    }
    return files;
  }

  private Sha256 recoverTorn(TreeMap<Long, Path> files, long lastNo, byte[] torn, String why) throws IOException {
    Files.createDirectories(tornDir);
    String name = CustodyEntry.fileName(lastNo) + ".torn";
    Path keep = tornDir.resolve(name);
    for (int i = 2; Files.exists(keep); i++) {
      keep = tornDir.resolve(name + "." + i);
    }
    write(keep, torn);
    Files.delete(files.get(lastNo));
    DurableFiles.fsyncDir(dir);
    Sha256 prev = Sha256.ZERO;
    if (lastNo > 1) {
      prev = Sha256.digest(Files.readAllBytes(files.get(lastNo - 1)));
    }
    CustodyEntry recovered =
        entry(
            lastNo,
            prev,
            Event.of("log-recovered")
                .object(new CustodyObject(null, "tool/custody-torn/" + keep.getFileName(), null, "torn-entry", (long) torn.length, Sha256.digest(torn)))
                .notes("custody entry " + CustodyEntry.fileName(lastNo) + " was torn (" + why + "); its " + torn.length
                    + " bytes are preserved unchanged and this entry replaces it in the chain"));
    byte[] bytes = Json.write(recovered);
    write(dir.resolve(CustodyEntry.fileName(lastNo)), bytes);
    System.err.println("custody: warning: the last custody entry " + CustodyEntry.fileName(lastNo)
        + " was torn; preserved as " + keep.getFileName() + " and recorded as log-recovered");
    return Sha256.digest(bytes);
  }

  private CustodyEntry entry(long seq, Sha256 prev, Event e) {
    String now = TIME.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    // notes are written by the tool from what it did: a URL's userinfo or query string (a presigned signature) never enters the log
    return new CustodyEntry(
        seq, UUID.randomUUID().toString(), prev, now, e.name, e.outcome, e.refersTo,
        actor.examiner(), actor.host(), actor.tool(), e.objects, e.aws, e.notes == null ? null : io.custody.evidence.Secrets.redactUrls(e.notes));
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    DurableFiles.writeNew(file, bytes);
  }
}
