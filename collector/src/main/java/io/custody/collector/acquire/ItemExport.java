package io.custody.collector.acquire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.analyzer.disk.RawImage;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.files.BulkInputStream;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.process.ProcessRunner;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Containers out: {@code custody export} writes an image item where the tools examiners load evidence
 * into can read it: raw (X-Ways, FTK, Autopsy, dd) or EWF/E01 (EnCase and all of them), never
 * touching the case.
 *
 * <p>Raw: the stored stream, joined and decompressed, written to a {@code .partial} file, hashed on the
 * way, flushed to disk and renamed only when its SHA-256 is the one recorded at acquisition. E01: the
 * same stream fed to libewf's {@code ewfacquirestream}, the case id, examiner, item id, source and
 * Custody's own hashes in the EWF header; libewf stores the MD5 and SHA-1 it computed, then {@code
 * ewfverify} re-reads the written files, and the export stands only when the SHA-256 fed equals the
 * recorded one and the MD5 and SHA-1 ewfverify computes equal both those libewf stored and those
 * Custody computed while feeding (and those recorded at acquisition, when they were). Anything else
 * removes the output and fails. The export is recorded in the custody log: a {@code transferred}
 * intent before, its outcome after with each output file's size and SHA-256.
 */
public final class ItemExport {

  /** The export formats. */
  public enum Format {
    RAW, E01;

    public static Format parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "raw" -> RAW;
        case "e01", "ewf" -> E01;
        default -> throw new InvalidInputException("Failed to export: --format must be raw or e01, not '" + Printable.of(text) + "'");
      };
    }
  }

  /** One file written. */
  @JsonPropertyOrder({"path", "size", "sha256"})
  public record OutputFile(@JsonProperty("path") String path, @JsonProperty("size") long size, @JsonProperty("sha256") String sha256) {}

  /** What was exported and how it was checked. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"item", "format", "files", "sha256", "md5", "sha1", "verified_by", "custody_seq"})
  public record Result(@JsonProperty("item") String item, @JsonProperty("format") String format, @JsonProperty("files") List<OutputFile> files,
      @JsonProperty("sha256") String sha256, @JsonProperty("md5") String md5, @JsonProperty("sha1") String sha1,
      @JsonProperty("verified_by") String verifiedBy, @JsonProperty("custody_seq") long custodySeq) {}

  private ItemExport() {}

  /**
   * @param out the output file (raw), or the E01 target: {@code out} with {@code .E01} (.E02 …) appended unless it ends so
   * @param segmentSize E01 segment file size in bytes, or 0 for libewf's default (1.4 GiB)
   * @throws InvalidInputException when the item is not an image or the output exists
   * @throws IntegrityException when what was exported does not hash as recorded
   */
  public static Result export(Case kase, Item item, Format format, Path out, long segmentSize, ProgressListener progress) {
    if (item.type() != ItemType.DISK && item.type() != ItemType.MEMORY) {
      throw new InvalidInputException("Failed to export item '" + item.id() + "': it is " + item.type().label() + ", not a disk or memory image");
    }
    Path target = out.toAbsolutePath().normalize();
    if (target.startsWith(kase.dir().toAbsolutePath().normalize())) {
      throw new InvalidInputException("Failed to export to '" + Printable.of(out.toString()) + "': it is inside the case, which is evidence");
    }
    if (format == Format.E01) {
      String name = target.getFileName().toString();
      if (name.toUpperCase(Locale.ROOT).endsWith(".E01")) {
        target = target.resolveSibling(name.substring(0, name.length() - 4));
      }
    }
    List<Path> clash = format == Format.RAW ? existing(List.of(target, partial(target))) : ewfFiles(target);
    if (!clash.isEmpty()) {
      throw new InvalidInputException("Failed to export to '" + Printable.of(clash.get(0).toString()) + "': it exists; Custody does not overwrite");
    }
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new HostException("Failed to export to '" + Printable.of(out.toString()) + "': " + e.getMessage(), e);
    }
    String what = "export of " + item.id() + " (" + item.type().label() + " " + item.sourceId() + ") as " + format.name().toLowerCase(Locale.ROOT)
        + " to " + target + (format == Format.E01 ? ".E01" : "");
    kase.toolLog("export --item " + item.id() + " --format " + format.name().toLowerCase(Locale.ROOT) + " --out " + target);
    CustodyEntry intent = kase.log().begin(Event.of("transferred").object(CustodyObject.item(item.id(), item.hashes().sha256()))
        .notes(what + ": starting"));
    try {
      Result r = format == Format.RAW ? raw(kase, item, target, progress, intent.seq()) : e01(kase, item, target, segmentSize, progress, intent.seq());
      Event done = Event.of("transferred").object(CustodyObject.item(item.id(), item.hashes().sha256()));
      for (OutputFile f : r.files()) {
        done.object(new CustodyObject(null, null, f.path(), "exported-file", f.size(), Sha256.parse(f.sha256())));
      }
      kase.log().complete(intent, done.notes(what + ": media sha256 " + r.sha256() + ", md5 " + r.md5() + ", sha1 " + r.sha1()
          + "; verified by " + r.verifiedBy()), Outcome.SUCCEEDED);
      return r;
    } catch (RuntimeException e) {
      kase.log().complete(intent, Event.of("transferred").notes(what + ": failed, nothing left at the target: " + e.getMessage()), Outcome.FAILED);
      throw e;
    }
  }

  private static Result raw(Case kase, Item item, Path target, ProgressListener progress, long seq) {
    Path tmp = partial(target);
    Digests d;
    try (InputStream in = RawImage.stream(kase, item); OutputStream o = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
      d = new Digests(in, progress);
      d.transferTo(o);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      throw new HostException("Failed to export item '" + item.id() + "' to '" + Printable.of(target.toString()) + "': " + e.getMessage(), e);
    }
    try {
      check(item, d, tmp);
      try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new HostException("Failed to export item '" + item.id() + "' to '" + Printable.of(target.toString()) + "': " + e.getMessage(), e);
    }
    String sha = d.hex(0);
    return new Result(item.id(), "raw", List.of(new OutputFile(target.toString(), d.size, sha)), sha, d.hex(1), d.hex(2),
        "custody: the SHA-256 written equals the one recorded at acquisition", seq);
  }

  private static Result e01(Case kase, Item item, Path target, long segmentSize, ProgressListener progress, long seq) {
    Digests d;
    List<String> cmd = new ArrayList<>(List.of("ewfacquirestream", "-q", "-C", kase.id(), "-e", kase.info().examiner(),
        "-E", item.id(), "-D", header(item.type().label() + " " + item.sourceId() + " (Custody " + kase.id() + " " + item.id() + ")"),
        "-N", header("exported by " + ToolVersion.tool() + "; recorded at acquisition " + item.acquiredUtc() + ": sha256 "
            + item.hashes().sha256() + (item.hashes().md5() == null ? "" : " md5 " + item.hashes().md5())
            + (item.hashes().sha1() == null ? "" : " sha1 " + item.hashes().sha1())),
        "-m", item.type() == ItemType.MEMORY ? "memory" : "fixed", "-M", item.type() == ItemType.MEMORY ? "logical" : "physical",
        "-c", "deflate:fast", "-d", "sha1", "-f", "encase6", "-t", target.toString()));
    if (segmentSize > 0) {
      cmd.addAll(List.of("-S", Long.toString(segmentSize)));
    }
    try (InputStream in = RawImage.stream(kase, item)) {
      d = new Digests(in, progress);
      ProcessRunner.of(cmd).stdinFrom(d).timeout(Duration.ofHours(48)).debianPackage("ewf-tools").check();
    } catch (IOException | RuntimeException e) {
      ewfFiles(target).forEach(ItemExport::deleteQuietly);
      throw new HostException("Failed to export item '" + item.id() + "' as E01 to '" + Printable.of(target.toString()) + "': " + e.getMessage(), e);
    }
    List<Path> files = ewfFiles(target);
    try {
      check(item, d, null);
      List<String> verify = new ArrayList<>(List.of("ewfverify", "-q", "-d", "sha1"));
      files.forEach(f -> verify.add(f.toString()));
      ProcessRunner.Result v = ProcessRunner.of(verify).timeout(Duration.ofHours(48)).debianPackage("ewf-tools").maxOutput(1 << 20).run();
      String text = v.text();
      String md5Stored = field(text, "MD5 hash stored in file");
      String md5Calc = field(text, "MD5 hash calculated over data");
      String sha1Stored = field(text, "SHA1 hash stored in file");
      String sha1Calc = field(text, "SHA1 hash calculated over data");
      if (!v.ok() || !d.hex(1).equals(md5Stored) || !d.hex(1).equals(md5Calc) || !d.hex(2).equals(sha1Stored) || !d.hex(2).equals(sha1Calc)) {
        throw new IntegrityException("Failed to export item '" + item.id() + "' as E01: ewfverify (exit " + v.exit() + ") gives MD5 stored "
            + md5Stored + ", calculated " + md5Calc + ", SHA-1 stored " + sha1Stored + ", calculated " + sha1Calc + "; Custody fed MD5 "
            + d.hex(1) + ", SHA-1 " + d.hex(2));
      }
      List<OutputFile> written = new ArrayList<>();
      for (Path f : files) {
        written.add(new OutputFile(f.toString(), Files.size(f), fileSha256(f)));
      }
      return new Result(item.id(), "e01", written, d.hex(0), d.hex(1), d.hex(2),
          "ewfverify: MD5 and SHA-1 stored by libewf and calculated over the written data equal those Custody computed while feeding it", seq);
    } catch (IOException | RuntimeException e) {
      files.forEach(ItemExport::deleteQuietly);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new HostException("Failed to export item '" + item.id() + "': " + e.getMessage(), e);
    }
  }

  /** The exported stream must be the recorded one: SHA-256 always, MD5/SHA-1 when they were recorded. */
  private static void check(Item item, Digests d, Path partialFile) {
    List<String> wrong = new ArrayList<>();
    if (d.size != item.size()) {
      wrong.add(d.size + " bytes where " + item.size() + " were recorded");
    }
    if (!d.hex(0).equals(item.hashes().sha256().hex())) {
      wrong.add("SHA-256 " + d.hex(0) + " where " + item.hashes().sha256() + " was recorded");
    }
    if (item.hashes().md5() != null && !d.hex(1).equals(item.hashes().md5())) {
      wrong.add("MD5 " + d.hex(1) + " where " + item.hashes().md5() + " was recorded");
    }
    if (item.hashes().sha1() != null && !d.hex(2).equals(item.hashes().sha1())) {
      wrong.add("SHA-1 " + d.hex(2) + " where " + item.hashes().sha1() + " was recorded");
    }
    if (!wrong.isEmpty()) {
      if (partialFile != null) {
        deleteQuietly(partialFile);
      }
      throw new IntegrityException("Failed to export item '" + item.id() + "': its stored files give " + String.join(", ", wrong)
          + "; the case's evidence no longer matches its record (custody verify --case names the file)");
    }
  }

  /** ewfacquirestream's header fields are one line of printable text. */
  private static String header(String s) {
    String p = Printable.of(s).replace('\n', ' ');
    return p.length() <= 500 ? p : p.substring(0, 500);
  }

  private static String field(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s*([0-9a-fA-F]+|N/A)").matcher(text);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }

  private static Path partial(Path target) {
    return target.resolveSibling(target.getFileName() + ".partial");
  }

  private static List<Path> existing(List<Path> paths) {
    return paths.stream().filter(Files::exists).toList();
  }

  /** The segment files of an E01 target, in order ({@code target.E01}, {@code .E02} …). */
  static List<Path> ewfFiles(Path target) {
    return Containers.ewfSegments(target.resolveSibling(target.getFileName() + ".E01")).stream().filter(Files::exists).toList();
  }

  private static String fileSha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return io.custody.evidence.hash.HashingEngine.sha256().hash(in).hashes().sha256().hex();
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // reported by the failure that led here
    }
  }

  /** SHA-256, MD5 and SHA-1 of everything read through it, with progress. */
  private static final class Digests extends BulkInputStream {
    private final InputStream in;
    private final ProgressListener progress;
    private final MessageDigest[] md = new MessageDigest[3];
    private final String[] hex = new String[3];
    long size;

    Digests(InputStream in, ProgressListener progress) {
      this.in = in;
      this.progress = progress;
      try {
        md[0] = MessageDigest.getInstance("SHA-256");
        md[1] = MessageDigest.getInstance("MD5");
        md[2] = MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        for (MessageDigest m : md) {
          m.update(b, off, n);
        }
        size += n;
        progress.progress(size, -1);
      }
      return n;
    }

    String hex(int i) {
      if (hex[i] == null) {
        hex[i] = HexFormat.of().formatHex(md[i].digest());
      }
      return hex[i];
    }
  }
}
