package io.custody.evidence.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.Actor;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.files.Locks;
import io.custody.evidence.hash.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A case workspace: {@code case.json}, the custody log ({@code custody/}), the items ({@code
 * items/<id>.json}) and their files ({@code data/<type>/<folder>/}), and {@code tool/}. Everything in
 * it that a bundle seals is written once.
 */
public final class Case {

  static final String CASE_JSON = "case.json";
  static final String ITEMS = "items";
  static final String LOCK = "case.lock";
  /** The custody log's head, beside it (never sealed: the manifest pins the head of a bundle). */
  static final String HEAD = "custody.head";
  /** Case-relative folder of the custody entries. */
  public static final String CUSTODY = "custody";
  /** Case-relative folder sealed as {@code tool/}. */
  public static final String TOOL = "tool";

  /** Item records, reservations, and retired reservations of failed acquisitions (their ids are never reused). */
  private static final Pattern ITEM_FILE = Pattern.compile("item-(\\d{3,6})\\.(json|pending|failed)");
  private static final int MAX_ITEM_JSON = 64 << 20;

  private final Path dir;
  private final CaseInfo info;
  private final Clock clock;
  private final CustodyLog log;

  Case(Path dir, CaseInfo info, Clock clock) {
    this.dir = dir;
    this.info = info;
    this.clock = clock;
    Actor actor = new Actor(info.examiner(), Actor.localHost(), ToolVersion.tool());
    this.log = new CustodyLog(dir.resolve(CUSTODY), dir.resolve(LOCK), dir.resolve(TOOL).resolve("custody-torn"), dir.resolve(HEAD), CUSTODY,
        clock, actor);
  }

  public Path dir() {
    return dir;
  }

  public String id() {
    return info.id();
  }

  public CaseInfo info() {
    return info;
  }

  public CustodyLog log() {
    return log;
  }

  public Clock clock() {
    return clock;
  }

  /** The recorded items, in id order. */
  public List<Item> items() {
    List<Item> out = new ArrayList<>();
    Path itemsDir = dir.resolve(ITEMS);
    if (!Files.isDirectory(itemsDir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(itemsDir, "item-*.json")) {
      for (Path p : ds) {
        out.add(readItem(p));
      }
    } catch (IOException e) {
      throw new HostException("Failed to list items of case '" + id() + "': " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(Item::id));
    return out;
  }

  /** Acquisitions begun and not finished: running now, or cut short by a crash not yet recovered. */
  public List<String> interruptedItems() {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(ITEMS), "item-*.pending")) {
      ds.forEach(p -> out.add(p.getFileName().toString().replace(".pending", "")));
    } catch (IOException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  /**
   * Finds an item by its id or its source id.
   *
   * @param type when not null, only items of this type are considered
   * @throws InvalidInputException when nothing or more than one item matches
   */
  public Item item(String ref, ItemType type) {
    List<Item> all = items().stream().filter(i -> type == null || i.type() == type).toList();
    Optional<Item> byId = all.stream().filter(i -> i.id().equals(ref)).findFirst();
    if (byId.isPresent()) {
      return byId.get();
    }
    List<Item> bySource = all.stream().filter(i -> i.sourceId().equals(ref)).toList();
    if (bySource.size() == 1) {
      return bySource.get(0);
    }
    String what = type == null ? "item" : type.label() + " item";
    if (bySource.isEmpty()) {
      throw new InvalidInputException("Failed to find " + what + " '" + ref + "' in case '" + id() + "': no item has that id or source id");
    }
    throw new InvalidInputException("Failed to find " + what + " '" + ref + "' in case '" + id() + "': several items come from it ("
        + bySource.stream().map(Item::id).collect(Collectors.joining(", ")) + "); give the item id");
  }

  /** The item of this type, source and stored name, when one was recorded (the latest). */
  public Optional<Item> findItem(ItemType type, String sourceId, String name) {
    List<Item> all = items();
    for (int i = all.size() - 1; i >= 0; i--) {
      Item it = all.get(i);
      if (it.type() == type && it.sourceId().equals(sourceId) && it.name().equals(name)) {
        return Optional.of(it);
      }
    }
    return Optional.empty();
  }

  /** Reads a whole single-file item (small evidence such as metadata), checking its recorded hash. */
  public byte[] readSmallItem(Item item, int maxBytes) {
    if (item.segmented() || item.compression() != io.custody.evidence.segment.Compression.NONE || item.size() > maxBytes) {
      throw new InvalidInputException("Failed to read item '" + item.id() + "': not a small plain file");
    }
    try {
      byte[] b = Files.readAllBytes(dir.resolve(item.dir()).resolve(item.segments().get(0).file()));
      if (!io.custody.evidence.Sha256.digest(b).equals(item.hashes().sha256())) {
        throw new IntegrityException("Failed to read item '" + item.id() + "': its file no longer matches its recorded SHA-256");
      }
      return b;
    } catch (IOException e) {
      throw new HostException("Failed to read item '" + item.id() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Reserves an item id and folder and records the intent to acquire.
   */
  public PendingItem begin(ItemSpec spec) {
    try (Locks.Held ignored = Locks.exclusive(dir.resolve(LOCK))) {
      recoverInterrupted();
      Path itemsDir = Files.createDirectories(dir.resolve(ITEMS));
      int next = 1;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(itemsDir)) {
        for (Path p : ds) {
          Matcher m = ITEM_FILE.matcher(p.getFileName().toString());
          if (m.matches()) {
            next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
          }
        }
      }
      String id = String.format(java.util.Locale.ROOT, "item-%03d", next);
      Path typeDir = Files.createDirectories(dir.resolve("data").resolve(spec.type.folder()));
      String base = Names.safeFileName(spec.folder != null ? spec.folder : spec.sourceId);
      String folder = base;
      for (int n = 2; Files.exists(typeDir.resolve(folder)); n++) {
        folder = base + "-" + n;
      }
      String rel = "data/" + spec.type.folder() + "/" + folder;
      Reservation reservation = Reservation.create(itemsDir.resolve(id + ".pending"), rel);
      try {
        Files.createDirectory(typeDir.resolve(folder));
        return new PendingItem(this, spec, id, rel, reservation);
      } catch (IOException | RuntimeException e) {
        reservation.close();
        throw e;
      }
    } catch (IOException e) {
      throw new HostException("Failed to reserve an item in case '" + id() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Closes the acquisitions whose process died (a crash, kill -9): their partial files are removed
   * and their intent gets a failed outcome saying so. Acquisitions still running are left alone.
   *
   * @return the ids of the items recovered
   */
  public List<String> recoverInterrupted() {
    List<String> recovered = new ArrayList<>();
    Path itemsDir = dir.resolve(ITEMS);
    if (!Files.isDirectory(itemsDir)) {
      return recovered;
    }
    try (Locks.Held ignored = Locks.exclusive(dir.resolve(LOCK));
        DirectoryStream<Path> ds = Files.newDirectoryStream(itemsDir, "item-*.pending")) {
      List<CustodyEntry> open = null;
      for (Path p : ds) {
        Optional<Reservation.Stale> stale = Reservation.ifStale(p);
        if (stale.isEmpty()) {
          continue;
        }
        String itemId = p.getFileName().toString().replace(".pending", "");
        Long seq = stale.get().intentSeq();
        if (open == null) {
          open = CustodyLog.openIntents(log.verify().entries()); // read once: closing one intent leaves the others open
        }
        CustodyEntry intent = seq == null ? null : open.stream().filter(e -> e.seq() == seq).findFirst().orElse(null);
        Path record = itemsDir.resolve(itemId + ".json");
        if (Files.exists(record)) {
          // The item was recorded and the process ended before its outcome entry: write that entry now.
          Item item = Json.mapper().readValue(Files.readAllBytes(record), Item.class);
          if (intent != null) {
            log.complete(intent, PendingItem.acquired(this, item, (item.notes() == null ? "" : item.notes() + "; ") + "recorded from "
                + "the item record by a later command: the acquiring process ended after recording the item and before this entry"),
                Outcome.SUCCEEDED);
          }
          Files.delete(p);
          continue;
        }
        String removed = removePartial(stale.get().dir());
        if (intent != null) {
          log.complete(intent, io.custody.evidence.custody.Event.of("acquired").notes("interrupted: the acquiring process ended before "
              + "finishing (crash or kill); " + removed), Outcome.FAILED);
        }
        Reservation.retire(p);
        recovered.add(itemId);
      }
    } catch (IOException e) {
      throw new HostException("Failed to recover interrupted acquisitions of case '" + id() + "': " + e.getMessage(), e);
    }
    return recovered;
  }

  private String removePartial(String rel) throws IOException {
    if (rel == null || !Names.isSafeRelativePath(rel) || !rel.startsWith("data/")) {
      return "no partial files recorded";
    }
    Path folder = dir.resolve(rel);
    if (!Files.isDirectory(folder)) {
      return "no partial files left";
    }
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
      for (Path f : ds) {
        Files.delete(f);
        n++;
      }
    }
    Files.delete(folder);
    return n + " partial file(s) of " + rel + " removed";
  }

  /**
   * Acquires a whole stream as a new item: reserve, write, hash, record.
   *
   * @throws HostException when reading or writing fails (the failure is recorded)
   */
  public Item add(ItemSpec spec, InputStream in, long expectedSize, ProgressListener progress) {
    try (PendingItem pending = begin(spec)) {
      try {
        pending.write(in, expectedSize, progress);
      } catch (IOException e) {
        throw new HostException("Failed to acquire " + spec.type.label() + " '" + spec.sourceId + "': " + e.getMessage(), e);
      }
      return pending.commit(Outcome.SUCCEEDED, null);
    }
  }

  /** Appends a line to {@code tool/acquisition.log} (what was run, when), URLs' userinfo and query strings redacted. */
  public void toolLog(String line) {
    try (Locks.Held ignored = Locks.exclusive(dir.resolve(LOCK))) {
      Path tool = Files.createDirectories(dir.resolve(TOOL));
      String stamp = DateTimeFormatter.ISO_INSTANT.format(clock.instant());
      Files.write(tool.resolve("acquisition.log"), (stamp + " " + io.custody.evidence.Secrets.redactUrls(line.replace('\n', ' ')) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new HostException("Failed to write the tool log of case '" + id() + "': " + e.getMessage(), e);
    }
  }

  private Item readItem(Path p) {
    try {
      if (Files.size(p) > MAX_ITEM_JSON) {
        throw new IntegrityException("Failed to read item record '" + p + "': larger than " + MAX_ITEM_JSON + " bytes");
      }
      Item item = Json.mapper().readValue(Files.readAllBytes(p), Item.class);
      String expected = p.getFileName().toString().replace(".json", "");
      if (!expected.equals(item.id()) || !Names.isSafeRelativePath(item.dir())) {
        throw new IntegrityException("Failed to read item record '" + p + "': id or folder does not match its file");
      }
      return item;
    } catch (JsonProcessingException e) {
      throw new IntegrityException("Failed to read item record '" + p + "' at offset "
          + (e.getLocation() == null ? -1 : e.getLocation().getByteOffset()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new HostException("Failed to read item record '" + p + "': " + e.getMessage(), e);
    }
  }
}
