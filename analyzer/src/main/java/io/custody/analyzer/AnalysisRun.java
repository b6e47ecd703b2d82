package io.custody.analyzer;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One analysis of a case, recorded in its custody log: an {@code analysed} intent naming the inputs
 * when it begins, the outputs added to the case as items of type analysis (each hashed and recorded
 * like any acquisition, so the bundle seals them), and an {@code analysed} outcome listing them.
 * Outputs are first written to a temporary folder outside the case; closing without {@link
 * #succeed} records the failure and removes the temporary folder.
 */
public final class AnalysisRun implements AutoCloseable {

  private final Case kase;
  private final String what;
  private final CustodyEntry intent;
  private final Path work;
  private final List<Item> outputs = new ArrayList<>();
  private boolean done;
  private String failure;

  private AnalysisRun(Case kase, String what, CustodyEntry intent, Path work) {
    this.kase = kase;
    this.what = what;
    this.intent = intent;
    this.work = work;
  }

  /**
   * Records the intent and makes the temporary folder.
   *
   * @param what e.g. {@code disk analysis of item-001}
   * @param inputs what is analysed (items with their hashes, files)
   * @param workParent where the temporary folder goes (default: the system's); never inside the case
   */
  public static AnalysisRun begin(Case kase, String what, List<CustodyObject> inputs, Path workParent) {
    Path parent = (workParent == null ? Path.of(System.getProperty("java.io.tmpdir")) : workParent).toAbsolutePath().normalize();
    if (parent.startsWith(kase.dir().toAbsolutePath().normalize())) {
      throw new InvalidInputException("Failed to use work folder '" + parent + "': it is inside case '" + kase.id() + "', which is evidence");
    }
    Path work;
    try {
      Files.createDirectories(parent);
      work = Files.createTempDirectory(parent, "custody-analysis-");
    } catch (IOException e) {
      throw new HostException("Failed to make a work folder in '" + parent + "': " + e.getMessage(), e);
    }
    kase.toolLog(what);
    CustodyEntry intent = kase.log().begin(Event.of("analysed").objects(inputs).notes(what));
    return new AnalysisRun(kase, what, intent, work);
  }

  /** The temporary folder for outputs (outside the case). */
  public Path work() {
    return work;
  }

  public Case kase() {
    return kase;
  }

  /** The seq of this run's intent entry. */
  public long intentSeq() {
    return intent.seq();
  }

  /**
   * Adds a finished output file to the case as an analysis item.
   *
   * @param sourceId what it was derived from (the analysed item's source, {@code cloudtrail}, the case)
   */
  public Item add(Path file, String sourceId, String origin) {
    ItemSpec spec = ItemSpec.of(ItemType.ANALYSIS, sourceId, file.getFileName().toString()).origin(origin);
    try (InputStream in = Files.newInputStream(file)) {
      Item item = kase.add(spec, in, Files.size(file), ProgressListener.NONE);
      outputs.add(item);
      return item;
    } catch (IOException e) {
      failure = "cannot add " + file.getFileName() + ": " + e.getMessage();
      throw new HostException("Failed to add analysis output '" + file.getFileName() + "' to case '" + kase.id() + "': " + e.getMessage(), e);
    }
  }

  public List<Item> outputs() {
    return List.copyOf(outputs);
  }

  /** Records the outcome with every output item and its hash. */
  public void succeed(String notes) {
    List<CustodyObject> objects = new ArrayList<>();
    for (Item i : outputs) {
      objects.add(new CustodyObject(i.id(), i.dir() + "/" + i.name(), i.sourceId(), "analysis", i.size(), i.hashes().sha256()));
    }
    kase.log().complete(intent, Event.of("analysed").objects(objects).notes(what + (notes == null ? "" : ": " + notes)), Outcome.SUCCEEDED);
    done = true;
  }

  /** Records why the run failed (used when it is closed without success). */
  public void fail(String reason) {
    this.failure = reason;
  }

  @Override
  public void close() {
    try {
      if (!done) {
        List<CustodyObject> objects = new ArrayList<>();
        outputs.forEach(i -> objects.add(new CustodyObject(i.id(), null, i.sourceId(), "analysis", i.size(), i.hashes().sha256())));
        kase.log().complete(intent, Event.of("analysed").objects(objects)
            .notes(what + " failed: " + (failure == null ? "interrupted" : failure)), Outcome.FAILED);
      }
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        System.err.println("custody: warning: could not remove work folder " + work + ": " + e.getMessage());
      }
    }
  }
}
