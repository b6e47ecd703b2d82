package io.custody.evidence.bundle;

import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.files.DurableFiles;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.sign.CmsSigner;
import io.custody.evidence.sign.EvidenceSigner;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.sign.TimeStamper;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.Names;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code custody seal}: turns a case into a signed EVB 1.0 bundle (one pax tar holding one folder).
 *
 * <p>The story: check the custody chain and that no acquisition is unfinished; record the seal intent
 * (it is the last entry inside the bundle); write the tar, re-hashing every stored evidence file as
 * it is copied and refusing to seal if one differs from what its acquisition recorded; write
 * SHA256SUMS, sign it (CMS), optionally time-stamp the signature (RFC 3161); fsync and move into
 * place; record the outcome with the tar's SHA-256 in the case log.
 */
public final class Sealer {

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_SIDE_FILE = 256 << 20;

  private final Case kase;
  private final EvidenceSigner signer;
  private final URI tsa;
  private final boolean allowIncomplete;
  private final ProgressListener progress;

  /** What sealing produced. */
  public record Result(Path bundle, String bundleId, Sha256 tarSha256, long tarSize, int files, String signerSubject,
      String signerFingerprint, Instant timestamp) {}

  /**
   * @param tsa RFC 3161 time-stamping authority, or null
   * @param allowIncomplete seal even though an acquisition never finished (its folder is left out and
   *     the seal entry says so)
   */
  public Sealer(Case kase, EvidenceSigner signer, URI tsa, boolean allowIncomplete, ProgressListener progress) {
    this.kase = kase;
    this.signer = signer;
    this.tsa = tsa;
    this.allowIncomplete = allowIncomplete;
    this.progress = progress == null ? ProgressListener.NONE : progress;
  }

  /**
   * @throws InvalidInputException when {@code out} exists or the case has unfinished acquisitions
   * @throws IntegrityException when the custody chain is broken or stored evidence changed
   */
  public Result seal(Path out) {
    if (Files.exists(out)) {
      throw new InvalidInputException("Failed to seal case '" + kase.id() + "': '" + out + "' exists (bundles are never overwritten)");
    }
    checkChain();
    kase.recoverInterrupted();
    List<String> interrupted = kase.interruptedItems();
    if (!interrupted.isEmpty() && !allowIncomplete) {
      throw new InvalidInputException("Failed to seal case '" + kase.id() + "': acquisitions " + interrupted
          + " are still running (see 'custody case status'); wait for them, or seal with --allow-incomplete to leave them out");
    }
    List<CustodyEntry> open = CustodyLog.openIntents(kase.log().verify().entries());
    if (!open.isEmpty() && !allowIncomplete) {
      throw new InvalidInputException("Failed to seal case '" + kase.id() + "': " + open.size() + " action(s) begun and never recorded as "
          + "finished: " + describe(open) + " (see 'custody case status'); run the command that began each again (it completes the record), "
          + "or seal with --allow-incomplete, which the bundle states");
    }
    List<Item> items = kase.items();
    checkItemFiles(items);
    Instant now = kase.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    String bundleId = kase.id() + "-" + ID_TIME.format(now);
    X509Certificate cert = signer.chain().get(0);
    String fingerprint = Pem.fingerprint(cert);

    CustodyEntry intent = kase.log().begin(Event.of("sealed")
        .object(CustodyObject.source(bundleId, "bundle"))
        .objects(items.stream().map(i -> CustodyObject.item(i.id(), i.hashes().sha256())).toList())
        .notes("sealing bundle " + bundleId + " signed by " + Pem.subject(cert) + " (SHA-256 " + fingerprint + ")"
            + (tsa == null ? "" : ", time-stamped by " + tsa.getHost())
            + (interrupted.isEmpty() ? "" : "; left out unfinished acquisitions " + interrupted)
            + (open.isEmpty() ? "" : "; sealed with actions never recorded as finished (--allow-incomplete): " + describe(open))));
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    try {
      Result r = write(bundleId, now, items, cert, fingerprint, partial, out);
      kase.log().complete(intent, Event.of("sealed")
          .object(new CustodyObject(null, null, bundleId, "bundle", r.tarSize(), r.tarSha256()))
          .notes("bundle " + bundleId + " written to " + out.toAbsolutePath() + ": " + r.files() + " sealed files, tar SHA-256 " + r.tarSha256()),
          Outcome.SUCCEEDED);
      return r;
    } catch (RuntimeException e) {
      deleteQuietly(partial);
      kase.log().complete(intent, Event.of("sealed").notes("sealing failed: " + e.getMessage()), Outcome.FAILED);
      throw e;
    }
  }

  /** Open intents as people read them: {@code #12 contained ec2:CreateSnapshots on i-…}. */
  private static String describe(List<CustodyEntry> open) {
    return open.stream().limit(10).map(e -> "#" + e.seq() + " " + e.event() + (e.aws() == null ? "" : " " + e.aws().api())
        + (e.objects().isEmpty() || e.objects().get(0).sourceId() == null ? "" : " on " + e.objects().get(0).sourceId())).toList()
        + (open.size() > 10 ? " and " + (open.size() - 10) + " more" : "");
  }

  private Result write(String bundleId, Instant now, List<Item> items, X509Certificate cert, String fingerprint, Path partial, Path out) {
    try {
      // Everything but the stored evidence is small and assembled in memory, in tar order.
      Map<String, byte[]> small = new LinkedHashMap<>();
      List<X509Certificate> chain = signer.chain();
      small.put(BundleLayout.TRUST_ANCHOR, Pem.write(List.of(chain.get(chain.size() - 1))).getBytes(StandardCharsets.US_ASCII));
      small.put(BundleLayout.SIGNER_CHAIN, Pem.write(chain).getBytes(StandardCharsets.US_ASCII));
      List<CustodyEntry> entries = new ArrayList<>();
      ChainReport report = kase.log().verify();
      if (!report.intact()) {
        throw new IntegrityException("Failed to seal case '" + kase.id() + "': custody chain broken: " + report.problems().get(0).detail());
      }
      entries.addAll(report.entries());
      for (CustodyEntry e : entries) {
        String rel = BundleLayout.CUSTODY_DIR + "/" + CustodyEntry.fileName(e.seq());
        small.put(rel, Files.readAllBytes(kase.dir().resolve(rel)));
      }
      addToolFiles(small);
      Manifest.Tool tool = new Manifest.Tool("custody", ToolVersion.version(), System.getProperty("java.version"),
          System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
      small.put(BundleLayout.VERSION_JSON, Json.write(tool));
      small.put(BundleLayout.CONFIG_JSON, Json.write(new Config(kase.dir().getParent().getParent().toString(), tsa == null ? null : tsa.toString(),
          KeyAlgorithm.of(cert.getPublicKey()).label())));
      small.put(BundleLayout.UCO, UcoExport.write(bundleId, kase.info(), ToolVersion.version(), items, entries));
      List<Long> openIntents = CustodyLog.openBeforeSeal(report.entries());
      small.put(BundleLayout.VERIFY_TXT, VerifyText.write(bundleId, fingerprint, items, report.count(), report.head(), tsa != null,
          openIntents));

      // Sealed files and their hashes: small files now, evidence files from their acquisition records
      // (checked again while they are copied).
      Map<String, Sha256> sums = new TreeMap<>();
      List<Manifest.FileEntry> files = new ArrayList<>();
      small.forEach((path, bytes) -> {
        Sha256 h = Sha256.digest(bytes);
        sums.put(path, h);
        files.add(new Manifest.FileEntry(path, bytes.length, h));
      });
      List<DataFile> data = dataFiles(items);
      for (DataFile d : data) {
        sums.put(d.path, d.sha256);
        files.add(new Manifest.FileEntry(d.path, d.size, d.sha256));
      }
      files.sort((a, b) -> a.path().compareTo(b.path()));
      Manifest manifest = new Manifest(BundleLayout.FORMAT, BundleLayout.FORMAT_VERSION, bundleId,
          DateTimeFormatter.ISO_INSTANT.format(now), kase.info(), tool,
          new Manifest.Signer(Pem.subject(cert), fingerprint, KeyAlgorithm.of(cert.getPublicKey()).label()),
          new Manifest.Custody(report.count(), report.head(), openIntents), sources(items), items, files);
      byte[] manifestBytes = Json.write(manifest);
      sums.put(BundleLayout.MANIFEST, Sha256.digest(manifestBytes));
      byte[] sha256sums = Sha256Sums.write(sums);

      long total = data.stream().mapToLong(DataFile::size).sum();
      try (TarWriter tar = new TarWriter(partial, bundleId, now)) {
        tar.file(BundleLayout.VERIFY_TXT, small.remove(BundleLayout.VERIFY_TXT));
        tar.file(BundleLayout.MANIFEST, manifestBytes);
        for (var e : small.entrySet()) {
          tar.file(e.getKey(), e.getValue());
        }
        long done = 0;
        for (DataFile d : data) {
          Sha256 actual = tar.copy(d.path, d.source, d.size, done, total, progress);
          if (!actual.equals(d.sha256)) {
            throw new IntegrityException("Failed to seal case '" + kase.id() + "': '" + d.path + "' has SHA-256 " + actual
                + " but its acquisition recorded " + d.sha256 + "; the stored evidence changed");
          }
          done += d.size;
        }
        tar.file(BundleLayout.SHA256SUMS, sha256sums);
        byte[] p7s = CmsSigner.signDetached(sha256sums, signer, now);
        tar.file(BundleLayout.SIGNATURE, p7s);
        Instant stamped = null;
        if (tsa != null) {
          TimeStamper.Stamp stamp = TimeStamper.stamp(tsa, p7s);
          tar.file(BundleLayout.TIMESTAMP, stamp.response());
          tar.file(BundleLayout.TSA_CHAIN, Pem.write(stamp.tsaCertificates()).getBytes(StandardCharsets.US_ASCII));
          stamped = stamp.genTime();
        }
        tar.finish();
        Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsyncDir(out.toAbsolutePath().getParent());
        return new Result(out, bundleId, tar.sha256(), tar.size(), sums.size(), Pem.subject(cert), fingerprint, stamped);
      }
    } catch (IOException e) {
      throw new HostException("Failed to seal case '" + kase.id() + "' into '" + out + "': " + e.getMessage(), e);
    }
  }

  /** The effective configuration of the seal, kept in {@code tool/config.json}. */
  record Config(
      @com.fasterxml.jackson.annotation.JsonProperty("custody_home") String custodyHome,
      @com.fasterxml.jackson.annotation.JsonProperty("tsa") String tsa,
      @com.fasterxml.jackson.annotation.JsonProperty("key_algorithm") String keyAlgorithm) {}

  private record DataFile(String path, Path source, long size, Sha256 sha256) {}

  private List<DataFile> dataFiles(List<Item> items) throws IOException {
    List<DataFile> out = new ArrayList<>();
    for (Item item : items) {
      for (Segment s : item.segments()) {
        String path = item.dir() + "/" + s.file();
        out.add(new DataFile(path, kase.dir().resolve(path), s.storedSize(), s.storedSha256()));
      }
      for (String f : item.files()) {
        String path = item.dir() + "/" + f;
        Path p = kase.dir().resolve(path);
        long size = Files.size(p);
        if (size > MAX_SIDE_FILE) {
          throw new InvalidInputException("Failed to seal case '" + kase.id() + "': side file '" + path + "' is larger than " + MAX_SIDE_FILE + " bytes");
        }
        // Side files are hashed now: they are small and have no recorded hash of their own.
        out.add(new DataFile(path, p, size, Sha256.digest(Files.readAllBytes(p))));
      }
    }
    out.sort((a, b) -> a.path.compareTo(b.path));
    return out;
  }

  private void addToolFiles(Map<String, byte[]> small) throws IOException {
    Path tool = kase.dir().resolve(Case.TOOL);
    if (!Files.isDirectory(tool)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(tool)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = BundleLayout.TOOL_DIR + "/" + tool.relativize(p).toString().replace('\\', '/');
        if (!Names.isSafeRelativePath(rel) || rel.equals(BundleLayout.VERSION_JSON) || rel.equals(BundleLayout.CONFIG_JSON)) {
          continue;
        }
        if (Files.size(p) > MAX_SIDE_FILE) {
          throw new InvalidInputException("Failed to seal case '" + kase.id() + "': '" + rel + "' is larger than " + MAX_SIDE_FILE + " bytes");
        }
        small.put(rel, Files.readAllBytes(p));
      }
    }
  }

  private static List<Manifest.Source> sources(List<Item> items) {
    Map<String, List<String>> by = new TreeMap<>();
    for (Item i : items) {
      by.computeIfAbsent(i.sourceId(), k -> new ArrayList<>()).add(i.id());
    }
    return by.entrySet().stream().map(e -> new Manifest.Source(e.getKey(), e.getValue())).toList();
  }

  private void checkChain() {
    ChainReport report = kase.log().verify();
    boolean onlyTorn = report.problems().size() == 1 && report.torn().isPresent();
    if (!report.intact() && !onlyTorn) {
      throw new IntegrityException("Failed to seal case '" + kase.id() + "': custody chain broken at "
          + report.problems().get(0).path() + ": " + report.problems().get(0).detail());
    }
  }

  private void checkItemFiles(List<Item> items) {
    for (Item item : items) {
      for (Segment s : item.segments()) {
        Path p = kase.dir().resolve(item.dir()).resolve(s.file());
        try {
          long size = Files.size(p);
          if (size != s.storedSize()) {
            throw new IntegrityException("Failed to seal case '" + kase.id() + "': '" + item.dir() + "/" + s.file() + "' is " + size
                + " bytes but its acquisition recorded " + s.storedSize());
          }
        } catch (IOException e) {
          throw new IntegrityException("Failed to seal case '" + kase.id() + "': stored file '" + item.dir() + "/" + s.file() + "' of " + item.id()
              + " is missing: " + e.getMessage(), e);
        }
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the failure being reported matters more
    }
  }
}
