package io.custody.analyzer.testing;

import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real cases and real tools for the analyzer's tests. */
public final class Cases {

  private Cases() {}

  public static Case open(Path home, String id) {
    return CaseStore.at(home, Clock.systemUTC()).open(id, "Test Examiner", "ACME IR", "analyzer test");
  }

  /** Acquires a file into the case as a disk item (zstd segments of {@code segment} bytes, or plain when compression is NONE). */
  public static Item addDisk(Case kase, Path image, String sourceId, Compression compression, long segment) throws Exception {
    ItemSpec spec = ItemSpec.of(ItemType.DISK, sourceId, image.getFileName().toString()).compression(compression).segmentSize(segment);
    try (InputStream in = Files.newInputStream(image)) {
      return kase.add(spec, in, Files.size(image), ProgressListener.NONE);
    }
  }

  /** The stored bytes of a single-file item (analysis outputs). */
  public static Path file(Case kase, Item item) {
    return kase.dir().resolve(item.dir()).resolve(item.name());
  }

  /** What a test writes into a file system it makes. */
  @FunctionalInterface
  public interface Plant {
    void into(Path root) throws Exception;
  }

  /**
   * An XFS image of {@code mib} MiB made by mkfs.xfs, with what {@code plant} writes through a
   * read-write mount of it (root only: a loop device and mount).
   */
  public static Path xfsImage(Path tmp, String name, int mib, Plant plant) throws Exception {
    Path image = tmp.resolve(name);
    run(tmp, "truncate", "-s", mib + "M", image.toString());
    run(tmp, "mkfs.xfs", "-q", image.toString());
    Path mnt = Files.createDirectories(tmp.resolve(name + "-plant"));
    String dev = run(tmp, "losetup", "--find", "--show", image.toString()).strip();
    run(tmp, "blockdev", "--setrw", dev); // a loop device may keep a read-only flag from an earlier user
    run(tmp, "mount", dev, mnt.toString());
    try {
      plant.into(mnt);
    } finally {
      run(tmp, "umount", mnt.toString());
      run(tmp, "losetup", "-d", dev);
    }
    return image;
  }

  /**
   * What TSK's {@code mactime -b BODY -d} prints with TZ=UTC, with Custody's documented differences
   * applied: a zero time is {@code 0}, not mactime's malformed {@code Xxx Xxx 00 0000 00:00:00}, and
   * each row ends with the Source column, {@code bodyfile}.
   */
  public static String mactime(Path dir, Path body) throws Exception {
    String m = run(dir, List.of("TZ=UTC"), "mactime", "-b", body.toString(), "-d").replace("Xxx Xxx 00 0000 00:00:00,", "0,");
    StringBuilder out = new StringBuilder();
    boolean header = true;
    for (String line : m.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      out.append(line).append(header ? ",Source" : ",bodyfile").append('\n');
      header = false;
    }
    return out.toString();
  }

  /** Runs a command; fails the test when it does not exit 0. Returns stdout. */
  public static String run(Path dir, String... cmd) throws Exception {
    return run(dir, List.of(), cmd);
  }

  public static String run(Path dir, List<String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    for (String e : env) {
      String[] kv = e.split("=", 2);
      pb.environment().put(kv[0], kv[1]);
    }
    Path err = Files.createTempFile("cmd", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + Files.readString(err));
    }
    Files.delete(err);
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The lines of a text, without the empty last one. */
  public static List<String> lines(String text) {
    List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
