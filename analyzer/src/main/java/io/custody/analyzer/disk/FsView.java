package io.custody.analyzer.disk;

import io.custody.evidence.Printable;
import io.custody.evidence.Severity;
import io.custody.evidence.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One analysed file system for the checks: its bodyfile entries by path and a way to read file
 * contents from the image (never executing, never following links out of it). Checks add findings here.
 */
final class FsView {

  /** Reads file contents out of the evidence. */
  interface Contents {
    /** At most {@code max} bytes of the entry's content; empty when unreadable. */
    byte[] read(BodyfileEntry e, int max);

    /** SHA-256 of the whole content; null when unreadable. */
    default Sha256 sha256(BodyfileEntry e) {
      String hex = digest(e, "SHA-256");
      return hex == null ? null : Sha256.parse(hex);
    }

    /** The hex digest (MessageDigest algorithm name: MD5, SHA-1, SHA-256, SHA-512) of the whole content; null when unreadable or too large. */
    String digest(BodyfileEntry e, String algorithm);
  }

  static final int MAX_READ = 1 << 20;

  final String label;
  final List<BodyfileEntry> entries;
  private final Map<String, BodyfileEntry> byPath = new HashMap<>();
  /** Allocated regular files sorted by path, for prefix lookups. */
  private final List<BodyfileEntry> files = new ArrayList<>();
  private final Map<String, List<BodyfileEntry>> byParent = new HashMap<>();
  private final Contents contents;
  private final List<DiskFinding> findings = new ArrayList<>();
  /** Each file's content hash, computed once however many findings name it (a log file names many). */
  private final Map<String, Optional<Sha256>> hashes = new HashMap<>();
  private final List<String> notes = new ArrayList<>();
  private Set<String> packaged;

  FsView(String label, List<BodyfileEntry> entries, Contents contents) {
    this.label = label;
    this.entries = List.copyOf(entries);
    this.contents = contents;
    for (BodyfileEntry e : entries) {
      if (!e.deleted()) {
        byPath.put(e.path(), e);
        byParent.computeIfAbsent(e.parent(), k -> new ArrayList<>()).add(e);
        if (e.regular()) {
          files.add(e);
        }
      }
    }
    files.sort(java.util.Comparator.comparing(BodyfileEntry::path));
  }

  BodyfileEntry get(String path) {
    return byPath.get(path);
  }

  /** Allocated regular files directly or deeply under {@code dir}. */
  List<BodyfileEntry> filesUnder(String dir) {
    String p = dir.endsWith("/") ? dir : dir + "/";
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (files.get(mid).path().compareTo(p) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<BodyfileEntry> out = new ArrayList<>();
    for (int i = lo; i < files.size() && files.get(i).path().startsWith(p); i++) {
      out.add(files.get(i));
    }
    return out;
  }

  /** Allocated entries of any kind directly in {@code dir}. */
  List<BodyfileEntry> children(String dir) {
    List<BodyfileEntry> out = new ArrayList<>();
    for (BodyfileEntry e : byParent.getOrDefault(dir, List.of())) {
      if (!e.path().equals(dir)) {
        out.add(e);
      }
    }
    return out;
  }

  String text(BodyfileEntry e) {
    return new String(contents.read(e, MAX_READ), StandardCharsets.UTF_8);
  }

  byte[] bytes(BodyfileEntry e, int max) {
    return contents.read(e, max);
  }

  /** The digest of an entry's content (hex), or null. */
  String digest(BodyfileEntry e, String algorithm) {
    return contents.digest(e, algorithm);
  }

  /** Sets the package databases read from this file system: {@link #packaged()} is then theirs. */
  void packages(PackageDb db) {
    this.packaged = db.paths();
  }

  /** Paths that packages installed, from the package databases given ({@link #packages}); empty before, or when the image has none. */
  Set<String> packaged() {
    return packaged == null ? Set.of() : packaged;
  }

  /** Records a finding about an entry; the content hash is computed here, from the image. */
  void find(String rule, Severity severity, BodyfileEntry e, String excerpt, String reason) {
    Sha256 hash = e.regular() ? hashes.computeIfAbsent(e.inode() + "\u0000" + e.path(), k -> Optional.ofNullable(contents.sha256(e))).orElse(null) : null;
    findings.add(new DiskFinding(rule, severity, label, e.path(), e.pathB64(), e.inode(), e.mode(), e.uid(), e.gid(), e.size(), time(e.mtime()),
        time(e.atime()), time(e.ctime()), time(e.crtime()), hash, excerpt == null ? null : excerpt(excerpt), reason));
  }

  List<DiskFinding> findings() {
    return findings;
  }

  /** Tells the report that a check was cut short or degraded. */
  void note(String text) {
    notes.add("file system " + label + ": " + text);
  }

  List<String> notes() {
    return notes;
  }

  static String excerpt(String s) {
    String flat = s.strip().replace("\r", "").replace('\n', '\u2424');
    if (flat.length() > 200) {
      flat = flat.substring(0, 197) + "...";
    }
    return Printable.of(flat).replace("\\u2424", " | ");
  }

  private static String time(long t) {
    return t == 0 ? null : Instant.ofEpochSecond(t).toString();
  }
}
