package io.custody.evidence.verify;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.bundle.BundleLayout;
import io.custody.evidence.bundle.Manifest;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.segment.SegmentNames;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.Names;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-checks {@code manifest.json} against SHA256SUMS, the files present, the custody chain and
 * the items' own hash files.
 */
final class ManifestCheck {

  private static final long MAX_SIZE = 1L << 62;

  private ManifestCheck() {}

  /** Why an item record cannot be used, or null when it is well formed. */
  static String itemProblem(Item item) {
    if (item.id() == null || !Names.ID.matcher(item.id()).matches()) {
      return "bad id";
    }
    if (item.type() == null || item.sourceId() == null || item.hashes() == null || item.compression() == null) {
      return "type, source_id, hashes or compression missing";
    }
    if (!Names.SOURCE_ID.matcher(item.sourceId()).matches()) {
      return "bad source_id";
    }
    if (item.dir() == null || !Names.isSafeRelativePath(item.dir()) || !item.dir().startsWith("data/")) {
      return "dir is not a safe path under data/";
    }
    if (item.name() == null || !Names.isSafeRelativePath(item.name()) || item.name().contains("/")) {
      return "bad name";
    }
    if (item.size() < 0 || item.size() > MAX_SIZE || item.segmentSize() < 0) {
      return "size out of range";
    }
    List<Segment> segs = item.segments();
    if (segs.isEmpty() || segs.size() > SegmentNames.MAX_SEGMENTS) {
      return "no stored files or too many";
    }
    long offset = 0;
    for (int i = 0; i < segs.size(); i++) {
      Segment s = segs.get(i);
      String expectedName = item.segmented()
          ? SegmentNames.segment(item.name(), item.compression(), i + 1)
          : SegmentNames.single(item.name(), item.compression());
      if (s.index() != i + 1 || !expectedName.equals(s.file())) {
        return "stored file " + (i + 1) + " should be " + expectedName;
      }
      if (s.offset() != offset || s.length() < 0 || s.length() > MAX_SIZE || s.storedSize() < 0 || s.sha256() == null || s.storedSha256() == null) {
        return "stored file " + s.file() + " has a bad offset, length or hash";
      }
      if (!item.segmented() && segs.size() != 1) {
        return "a single-file item with several stored files";
      }
      offset += s.length();
    }
    if (offset != item.size()) {
      return "stored files hold " + offset + " raw bytes, size says " + item.size();
    }
    for (String f : item.files()) {
      if (f == null || !Names.isSafeRelativePath(f) || f.contains("/")) {
        return "bad side file name";
      }
    }
    return null;
  }

  static void check(Manifest m, Collector c, Map<String, Sha256> sums, ChainReport chain, List<Finding> findings) {
    String mp = BundleLayout.MANIFEST;
    if (!BundleLayout.FORMAT.equals(m.format()) || !BundleLayout.FORMAT_VERSION.equals(m.formatVersion())) {
      findings.add(new Finding("manifest", mp, "format " + m.format() + " " + m.formatVersion() + " is not EVB 1.0"));
    }
    if (m.bundleId() == null || !m.bundleId().equals(c.top)) {
      findings.add(new Finding("manifest", mp, "bundle_id " + m.bundleId() + " does not match the top folder " + c.top));
    }
    Set<String> listed = new HashSet<>();
    for (Manifest.FileEntry f : m.files()) {
      if (f == null || f.path() == null || f.sha256() == null) {
        findings.add(new Finding("manifest", mp, "a files entry lacks path or sha256"));
        continue;
      }
      if (!listed.add(f.path())) {
        findings.add(new Finding("manifest", mp, "'" + Printable.of(f.path()) + "' is listed twice"));
      }
      Sha256 inSums = sums.get(f.path());
      if (inSums == null) {
        findings.add(new Finding("manifest", f.path(), "listed in manifest.json but not in SHA256SUMS"));
      } else if (!inSums.equals(f.sha256())) {
        findings.add(new Finding("manifest", f.path(), "manifest.json says SHA-256 " + f.sha256() + ", SHA256SUMS says " + inSums));
      }
      Long actual = c.sizes.get(f.path());
      if (actual != null && actual != f.size()) {
        findings.add(new Finding("manifest", f.path(), "manifest.json says " + f.size() + " bytes, the file has " + actual));
      }
    }
    for (String p : sums.keySet()) {
      if (!listed.contains(p) && !p.equals(BundleLayout.MANIFEST)) {
        findings.add(new Finding("manifest", p, "in SHA256SUMS but not in manifest.json"));
      }
    }
    if (m.custody() == null || m.custody().entries() != chain.count() || !chain.head().equals(m.custody().headSha256())) {
      findings.add(new Finding("manifest", mp, "custody chain recorded as " + (m.custody() == null ? "absent" : m.custody().entries()
          + " entries with head " + m.custody().headSha256()) + ", found " + chain.count() + " entries with head " + chain.head()));
    }
    checkOpenIntents(m, chain, mp, findings);
    for (Item item : m.items()) {
      if (itemProblem(item) == null) {
        checkItem(item, c, sums, findings);
      }
    }
  }

  /**
   * Actions begun and never recorded as finished (other than the seal's own intent, which ends every
   * sealed chain) must be the ones the manifest declares: a bundle may be sealed incomplete only
   * knowingly ({@code --allow-incomplete}) and saying so.
   */
  private static void checkOpenIntents(Manifest m, ChainReport chain, String mp, List<Finding> findings) {
    List<Long> open = io.custody.evidence.custody.CustodyLog.openBeforeSeal(chain.entries());
    List<Long> declared = m.custody() == null || m.custody().openIntents() == null ? List.of() : m.custody().openIntents();
    if (!open.equals(declared)) {
      findings.add(new Finding("manifest", mp, "custody entries " + open + " are intents never recorded as finished, but the manifest declares "
          + (declared.isEmpty() ? "none" : declared)));
    }
  }

  private static void checkItem(Item item, Collector c, Map<String, Sha256> sums, List<Finding> findings) {
    for (Segment s : item.segments()) {
      String p = item.dir() + "/" + s.file();
      Sha256 inSums = sums.get(p);
      if (inSums != null && !inSums.equals(s.storedSha256())) {
        findings.add(new Finding("manifest", p, item.id() + " records stored SHA-256 " + s.storedSha256() + ", SHA256SUMS says " + inSums));
      } else if (inSums == null) {
        findings.add(new Finding("manifest", p, "stored file of " + item.id() + " not in SHA256SUMS"));
      }
      Long size = c.sizes.get(p);
      if (size != null && size != s.storedSize()) {
        findings.add(new Finding("manifest", p, item.id() + " records " + s.storedSize() + " stored bytes, the file has " + size));
      }
    }
    for (String f : item.files()) {
      String p = item.dir() + "/" + f;
      if (!sums.containsKey(p)) {
        findings.add(new Finding("manifest", p, "side file of " + item.id() + " not in SHA256SUMS"));
        continue;
      }
      byte[] content = c.memory.get(p);
      if (content == null) {
        continue;
      }
      String text = new String(content, StandardCharsets.US_ASCII);
      for (HashAlgorithm a : HashAlgorithm.values()) {
        if (f.equals(item.name() + "." + a.label())) {
          String expected = item.hashes().hex(a).map(h -> h + "  " + item.name() + "\n").orElse(null);
          if (!text.equals(expected)) {
            findings.add(new Finding("hash-file", p, "does not hold the recorded " + a.label() + " of " + item.id()));
          }
        }
      }
      if (f.equals(item.name() + ".pieces.sha256")) {
        StringBuilder sb = new StringBuilder();
        item.segments().forEach(s -> sb.append(s.sha256().hex()).append("  ").append(s.file()).append('\n'));
        if (!text.equals(sb.toString())) {
          findings.add(new Finding("hash-file", p, "does not hold the recorded segment hashes of " + item.id()));
        }
      }
    }
  }
}
