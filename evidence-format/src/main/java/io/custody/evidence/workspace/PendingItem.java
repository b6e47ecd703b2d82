package io.custody.evidence.workspace;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.files.DurableFiles;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.segment.SegmentWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * An acquisition in progress: its id and folder are reserved and its intent is in the custody log.
 * Write the raw stream once with {@link #write}, add side files, then {@link #commit}. Closing
 * without a commit removes what was written and records the failure.
 */
public final class PendingItem implements AutoCloseable {

  private final Case kase;
  private final ItemSpec spec;
  private final String id;
  private final String dir;
  private final Path folder;
  private final Reservation reservation;
  private final CustodyEntry intent;
  private final List<String> files = new ArrayList<>();
  private HashResult result;
  private List<Segment> segments;
  private boolean done;
  private boolean recorded;
  private String failure;

  PendingItem(Case kase, ItemSpec spec, String id, String dir, Reservation reservation) throws IOException {
    this.kase = kase;
    this.spec = spec;
    this.id = id;
    this.dir = dir;
    this.folder = kase.dir().resolve(dir);
    this.reservation = reservation;
    this.intent =
        kase.log()
            .begin(
                Event.of("acquired")
                    .object(new CustodyObject(id, dir, spec.sourceId, spec.type.label(), null, null))
                    .notes("acquiring " + spec.type.label() + " " + spec.sourceId
                        + (spec.origin == null ? "" : " from " + spec.origin)));
    reservation.recordIntent(intent.seq());
  }

  public String id() {
    return id;
  }

  /** The item's folder, for side files written by the caller. */
  public Path folder() {
    return folder;
  }

  /**
   * Streams the raw bytes through the hashing engine into stored files.
   *
   * @throws IOException when reading or writing fails; nothing half-written is left
   */
  public HashResult write(InputStream in, long expectedSize, ProgressListener progress) throws IOException {
    if (result != null) {
      throw new IllegalStateException("the raw stream of " + id + " was already written");
    }
    SegmentWriter writer =
        spec.segmentSize > 0
            ? SegmentWriter.segmented(folder, spec.name, spec.compression, spec.segmentSize)
            : SegmentWriter.single(folder, spec.name, spec.compression);
    HashingEngine engine = HashingEngine.builder().algorithms(spec.algorithms).pieceSize(writer.pieceSize()).build();
    try {
      result = engine.hash(in, writer, expectedSize, progress);
    } catch (IOException | RuntimeException e) {
      failure = e.getMessage();
      throw e;
    }
    segments = writer.segments(result.pieces());
    return result;
  }

  /** What {@link #write} hashed: size and digests of the raw stream; null before it. */
  public HashResult result() {
    return result;
  }

  /** Adds a small side file (written once) to the item, e.g. AWS block checksums. */
  public void addFile(String name, byte[] bytes) throws IOException {
    String safe = Names.safeFileName(name);
    if (!safe.equals(name)) {
      throw new IllegalArgumentException("unsafe side file name '" + name + "'");
    }
    Path p = folder.resolve(name);
    DurableFiles.writeNew(p, bytes);
    files.add(name);
  }

  /** Records the failure reason given to the custody log when this item is closed uncommitted. */
  public void fail(String reason) {
    this.failure = reason;
  }

  /**
   * Writes the hash files and the item record, and the outcome entry.
   *
   * @param outcome {@link Outcome#SUCCEEDED} or {@link Outcome#PARTIAL}
   * @param notes what the examiner should know, or null
   */
  public Item commit(Outcome outcome, String notes) {
    if (result == null) {
      throw new IllegalStateException("nothing was written for " + id);
    }
    try {
      writeHashFiles();
      String acquired = DateTimeFormatter.ISO_INSTANT.format(kase.clock().instant().truncatedTo(ChronoUnit.MILLIS));
      String allNotes = join(spec.notes, notes);
      Item item = new Item(id, spec.type, spec.sourceId, dir, spec.name, spec.origin, acquired, result.size(),
          result.hashes(), spec.compression, spec.segmentSize, segments, files, allNotes);
      DurableFiles.writeNew(kase.dir().resolve(Case.ITEMS).resolve(id + ".json"), Json.write(item));
      // From here the item exists: a failure or crash before the outcome entry leaves the reservation
      // pending, and the next command of the case records the outcome from the item record.
      recorded = true;
      kase.log().complete(intent, acquired(kase, item, allNotes), outcome);
      reservation.commit();
      done = true;
      return item;
    } catch (IOException e) {
      failure = e.getMessage();
      throw new HostException("Failed to record item '" + id + "': " + e.getMessage(), e);
    }
  }

  /**
   * Aborts when not committed: removes the files, records the failure, then retires the id. When the
   * item record was written but its outcome entry was not, keeps the reservation pending instead, for
   * {@link Case#recoverInterrupted} to complete the record.
   */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    if (recorded) {
      reservation.release();
      return;
    }
    List<String> left = new ArrayList<>();
    try (var ds = Files.newDirectoryStream(folder)) {
      for (Path p : ds) {
        try {
          Files.delete(p);
        } catch (IOException e) {
          left.add(p.toString());
        }
      }
    } catch (IOException e) {
      left.add(folder.toString());
    }
    try {
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      left.add(folder.toString());
    }
    try {
      kase.log().complete(intent, Event.of("acquired")
          .object(new CustodyObject(id, dir, spec.sourceId, spec.type.label(), null, null))
          .notes("acquisition failed: " + (failure == null ? "interrupted" : failure)
              + (left.isEmpty() ? "; partial files removed" : "; could not remove " + String.join(", ", left))),
          Outcome.FAILED);
    } finally {
      try {
        reservation.close();
      } catch (IOException e) {
        System.err.println("custody: warning: could not retire reservation of " + id + ": " + e.getMessage());
      }
    }
  }

  /** The outcome event of a recorded item's acquisition: its files and hashes, and {@code notes} when not null. */
  static Event acquired(Case kase, Item item, String notes) throws IOException {
    return Event.of("acquired").objects(objects(kase, item)).notes(item.type().label() + " " + item.sourceId() + ": " + item.size()
        + " bytes, sha256 " + item.hashes().sha256() + (notes == null ? "" : "; " + notes));
  }

  /** The custody objects of a recorded item: the item, its stored files with their recorded hashes, its side files hashed now. */
  private static List<CustodyObject> objects(Case kase, Item item) throws IOException {
    List<CustodyObject> objects = new ArrayList<>();
    objects.add(new CustodyObject(item.id(), item.dir(), item.sourceId(), "item", item.size(), item.hashes().sha256()));
    for (Segment s : item.segments()) {
      objects.add(CustodyObject.file(item.dir() + "/" + s.file(), s.storedSize(), s.storedSha256()));
    }
    Path folder = kase.dir().resolve(item.dir());
    for (String f : item.files()) {
      Path p = folder.resolve(f);
      objects.add(CustodyObject.file(item.dir() + "/" + f, Files.size(p), Sha256.digest(Files.readAllBytes(p))));
    }
    return objects;
  }

  private void writeHashFiles() throws IOException {
    for (HashAlgorithm a : HashAlgorithm.values()) {
      String hex = result.hashes().hex(a).orElse(null);
      if (hex != null) {
        addFile(spec.name + "." + a.label(), (hex + "  " + spec.name + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
    if (spec.segmentSize > 0) {
      StringBuilder sb = new StringBuilder();
      for (Segment s : segments) {
        sb.append(s.sha256().hex()).append("  ").append(s.file()).append('\n');
      }
      addFile(spec.name + ".pieces.sha256", sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static String join(String a, String b) {
    if (a == null || a.isBlank()) {
      return b;
    }
    return b == null || b.isBlank() ? a : a + "; " + b;
  }
}
