package io.custody.evidence.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.bundle.BundleLayout;
import io.custody.evidence.bundle.Manifest;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Walks a bundle's entries once: applies the archive rules, hashes every file, keeps the small ones in
 * memory, checks evidence streams in order as they pass and spools what it must come back to into
 * its own private temporary folder (under generated names: nothing named by the archive is ever
 * created).
 */
final class Collector implements BundleSource.Handler, AutoCloseable {

  static final int MAX_SMALL = 64 << 20;
  private static final long MAX_IN_MEMORY = 512L << 20;

  private final BundleSource source;
  private final List<Finding> findings;
  private final Path tmpParent;

  String top;
  final Map<String, Sha256> hashes = new TreeMap<>();
  final Map<String, Long> sizes = new HashMap<>();
  final Map<String, byte[]> memory = new HashMap<>();
  private final Map<String, Path> spooled = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private long inMemory;
  private Path tmp;
  private int spoolCount;

  Manifest manifest;
  final Map<String, RawCheck> checks = new LinkedHashMap<>();
  private final Map<String, RawCheck> bySegment = new HashMap<>();
  long bytesRead;

  Collector(BundleSource source, List<Finding> findings, Path tmpParent) {
    this.source = source;
    this.findings = findings;
    this.tmpParent = tmpParent;
  }

  @Override
  public void entry(RawEntry e, InputStream in) throws IOException {
    String name = e.name();
    if (name.startsWith("/")) {
      unsafe(name, "absolute path");
      return;
    }
    boolean dirSyntax = name.endsWith("/");
    String clean = dirSyntax ? name.substring(0, name.length() - 1) : name;
    int slash = clean.indexOf('/');
    String first = slash < 0 ? clean : clean.substring(0, slash);
    String rel = slash < 0 ? "" : clean.substring(slash + 1);
    if (top == null) {
      if (!Names.ID.matcher(first).matches() || first.contains("..")) {
        unsafe(name, "top folder name is not allowed");
        return;
      }
      top = first;
    } else if (!first.equals(top)) {
      unsafe(name, "outside the one top folder '" + top + "'");
      return;
    }
    if (!rel.isEmpty() && !Names.isSafeRelativePath(rel)) {
      unsafe(name, "name outside [A-Za-z0-9._/-] or with an empty, '.' or '..' component");
      return;
    }
    if (!seen.add(clean)) {
      unsafe(name, "duplicate name");
      return;
    }
    switch (e.kind()) {
      case DIRECTORY -> {
        return;
      }
      case FILE -> {
        if (rel.isEmpty() || dirSyntax) {
          unsafe(name, "a file in place of the top folder");
          return;
        }
        file(rel, e.size(), in);
      }
      default -> unsafe(name, e.kind().label() + " entries are not allowed");
    }
  }

  private void unsafe(String name, String why) {
    findings.add(new Finding("archive", Printable.of(name), "unsafe entry refused: " + why));
  }

  private void file(String rel, long size, InputStream in) throws IOException {
    RawCheck rc = bySegment.get(rel);
    if (rc != null && rel.equals(rc.expected())) {
      Counting c = new Counting(in);
      Sha256 h = rc.feed(c);
      record(rel, h, c.count);
      return;
    }
    if (size <= MAX_SMALL && inMemory + size <= MAX_IN_MEMORY) {
      byte[] b = in.readNBytes(MAX_SMALL + 1);
      if (b.length > MAX_SMALL) {
        // The container lied about the size: hash the rest, do not keep it.
        MessageDigest d = HashAlgorithm.SHA256.newDigest();
        d.update(b);
        long n = b.length + copy(in, null, d);
        findings.add(new Finding("archive", rel, "entry larger than its header says"));
        record(rel, Sha256.of(d.digest()), n);
        return;
      }
      inMemory += b.length;
      memory.put(rel, b);
      record(rel, Sha256.digest(b), b.length);
      if (rel.equals(BundleLayout.MANIFEST)) {
        parseManifest(b);
      }
      return;
    }
    MessageDigest d = HashAlgorithm.SHA256.newDigest();
    long n;
    if (!source.canReopen() && (manifest == null || bySegment.containsKey(rel))) {
      Path p = spoolFile();
      try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        n = copy(in, out, d);
      }
      spooled.put(rel, p);
    } else {
      n = copy(in, null, d);
    }
    record(rel, Sha256.of(d.digest()), n);
  }

  private void record(String rel, Sha256 h, long size) {
    hashes.put(rel, h);
    sizes.put(rel, size);
    bytesRead += size;
  }

  private void parseManifest(byte[] b) {
    try {
      manifest = Json.mapper().readValue(b, Manifest.class);
    } catch (JsonProcessingException e) {
      findings.add(new Finding("manifest", BundleLayout.MANIFEST, "not a valid manifest at offset "
          + (e.getLocation() == null ? -1 : e.getLocation().getByteOffset()) + ": " + e.getOriginalMessage()));
      return;
    } catch (IOException | RuntimeException e) {
      findings.add(new Finding("manifest", BundleLayout.MANIFEST, "not a valid manifest: " + e.getMessage()));
      return;
    }
    for (Item item : manifest.items()) {
      String problem = ManifestCheck.itemProblem(item);
      if (problem != null) {
        findings.add(new Finding("manifest", BundleLayout.MANIFEST, "item " + Printable.of(String.valueOf(item.id())) + ": " + problem));
        continue;
      }
      if (checks.containsKey(item.id())) {
        findings.add(new Finding("manifest", BundleLayout.MANIFEST, "item id " + item.id() + " is listed twice"));
        continue;
      }
      RawCheck rc = new RawCheck(item, findings);
      checks.put(item.id(), rc);
      for (Segment s : item.segments()) {
        bySegment.putIfAbsent(item.dir() + "/" + s.file(), rc);
      }
    }
  }

  /** Checks the raw streams whose stored files were out of order or came before the manifest. */
  void finishRawChecks() throws IOException {
    for (RawCheck rc : checks.values()) {
      while (!rc.done()) {
        String rel = rc.expected();
        InputStream in = open(rel);
        if (in == null) {
          rc.missing("is not in the bundle");
          continue;
        }
        try (in) {
          Sha256 h = rc.feed(in);
          if (hashes.containsKey(rel) && !hashes.get(rel).equals(h)) {
            findings.add(new Finding("archive", rel, "read twice with different contents"));
          }
        }
      }
      rc.finish();
    }
  }

  private InputStream open(String rel) throws IOException {
    if (!hashes.containsKey(rel)) {
      return null;
    }
    byte[] b = memory.get(rel);
    if (b != null) {
      return new java.io.ByteArrayInputStream(b);
    }
    Path p = spooled.get(rel);
    if (p != null) {
      return Files.newInputStream(p);
    }
    return source.reopen(top + "/" + rel);
  }

  private Path spoolFile() throws IOException {
    if (tmp == null) {
      tmp = Files.createTempDirectory(tmpParent, "custody-verify-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return tmp.resolve("entry-" + (++spoolCount));
  }

  private static long copy(InputStream in, OutputStream out, MessageDigest d) throws IOException {
    byte[] buf = new byte[1 << 20];
    long n = 0;
    int r;
    while ((r = in.read(buf)) > 0) {
      d.update(buf, 0, r);
      if (out != null) {
        out.write(buf, 0, r);
      }
      n += r;
    }
    return n;
  }

  @Override
  public void close() {
    checks.values().forEach(RawCheck::close);
    if (tmp != null) {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover private temp folder is harmless
      }
    }
  }

  /** Counts bytes read. */
  private static final class Counting extends java.io.FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public void close() {}
  }
}
