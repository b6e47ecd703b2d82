package io.custody.evidence.verify;

import io.custody.evidence.Sha256;
import io.custody.evidence.bundle.BundleLayout;
import io.custody.evidence.bundle.Sha256Sums;
import io.custody.evidence.custody.ChainReport;
import io.custody.evidence.custody.CustodyChain;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressInputStream;
import io.custody.evidence.hash.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies an EVB 1.0 bundle (a tar or its extracted folder) offline. Reads it once, streaming;
 * never writes outside a private temporary folder; never throws for bad content: every problem is
 * a {@link Finding} in the report, and the report is ok only without findings.
 *
 * <p>Checks: archive safety (one top folder, only regular files and folders, allowed names, no
 * duplicates); required files; SHA256SUMS format, every listed file present with its hash, no file
 * beyond it; the CMS signature over SHA256SUMS and the signer's chain to the trust anchors; the
 * custody chain and that it ends with this bundle's seal; the manifest against all of these; each
 * item's stored files, segment hashes and raw hashes; the item hash files; the time-stamp.
 */
public final class BundleVerifier {

  private static final List<String> ORDER = List.of("archive", "layout", "sha256sums", "file-missing", "file-hash", "file-extra",
      "signature", "signer-trust", "custody-chain", "manifest", "hash-file", "segment-hash", "raw-hash", "timestamp");

  private final List<X509Certificate> trust;
  private final List<X509Certificate> tsaTrust;
  private final Path tmpParent;

  /**
   * @param trust the examiner certificate(s) or CA(s) the signer must chain to
   * @param tsaTrust TSA roots to check the time-stamp against; empty to only check it is well formed
   */
  public BundleVerifier(List<X509Certificate> trust, List<X509Certificate> tsaTrust, Path tmpParent) {
    this.trust = List.copyOf(trust);
    this.tsaTrust = List.copyOf(tsaTrust);
    this.tmpParent = tmpParent;
  }

  public BundleVerifier(List<X509Certificate> trust) {
    this(trust, List.of(), Path.of(System.getProperty("java.io.tmpdir")));
  }

  public VerificationReport verify(Path bundle) {
    return verify(bundle, ProgressListener.NONE);
  }

  /** Verifies a bundle, telling {@code progress} how many of its bytes were read. */
  public VerificationReport verify(Path bundle, ProgressListener progress) {
    if (!Files.exists(bundle)) {
      return report(bundle.toString(), null, List.of(new Finding("archive", null, "no such file or folder: " + bundle)), null, null, 0, 0, 0, List.of(), 0);
    }
    long total = size(bundle);
    AtomicLong read = new AtomicLong();
    BundleSource source = Files.isDirectory(bundle) ? new Counted(new DirectorySource(bundle), read, total, progress)
        : new TarSource(() -> new ProgressInputStream(Files.newInputStream(bundle), read, total, progress));
    return verify(source, bundle.toString());
  }

  /** The bytes a verification reads: the tar's size, or the sum of the folder's files. */
  private static long size(Path bundle) {
    try (var s = Files.walk(bundle)) {
      return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A folder whose files report the bytes read from them. */
  private record Counted(BundleSource source, AtomicLong read, long total, ProgressListener progress) implements BundleSource {
    @Override
    public void forEach(Handler handler) throws IOException {
      source.forEach((e, in) -> handler.entry(e, new ProgressInputStream(in, read, total, progress)));
    }

    @Override
    public boolean canReopen() {
      return source.canReopen();
    }

    @Override
    public InputStream reopen(String name) throws IOException {
      return source.reopen(name);
    }
  }

  /** Verifies a tar given as bytes (for the fuzz test). */
  VerificationReport verifyTar(byte[] tar) {
    return verify(new TarSource(() -> new java.io.ByteArrayInputStream(tar)), "(memory)");
  }

  private VerificationReport verify(BundleSource source, String bundle) {
    List<Finding> findings = new ArrayList<>();
    try (Collector c = new Collector(source, findings, tmpParent)) {
      try {
        source.forEach(c);
      } catch (IOException | RuntimeException e) {
        findings.add(new Finding("archive", null, "unreadable bundle: " + e.getMessage()));
      }
      try {
        c.finishRawChecks();
      } catch (IOException | RuntimeException e) {
        findings.add(new Finding("raw-hash", null, "could not check the raw streams: " + e.getMessage()));
      }
      if (c.top == null) {
        findings.add(new Finding("archive", null, "empty bundle"));
        return report(bundle, null, findings, null, null, 0, 0, 0, List.of(), c.bytesRead);
      }
      for (String required : BundleLayout.REQUIRED) {
        if (!c.hashes.containsKey(required)) {
          findings.add(new Finding("layout", required, "required file missing"));
        }
      }
      Map<String, Sha256> sums = guard("sha256sums", findings, () -> checkFiles(c, findings), Map.of());
      byte[] sumsBytes = c.memory.get(BundleLayout.SHA256SUMS);
      byte[] p7s = c.memory.get(BundleLayout.SIGNATURE);
      SignerSummary signer = sumsBytes == null || p7s == null ? null : guard("signature", findings,
          () -> SignatureCheck.check(sumsBytes, p7s, c.memory.get(BundleLayout.SIGNER_CHAIN), trust, findings), null);
      ChainReport chain = guard("custody-chain", findings, () -> checkChain(c, findings), CustodyChain.verify(List.of()));
      if (c.manifest != null) {
        guard("manifest", findings, () -> {
          ManifestCheck.check(c.manifest, c, sums, chain, findings);
          return null;
        }, null);
      }
      TimestampSummary ts = null;
      byte[] tsr = c.memory.get(BundleLayout.TIMESTAMP);
      if (tsr != null && p7s != null) {
        ts = guard("timestamp", findings, () -> TimestampCheck.check(tsr, p7s, c.memory.get(BundleLayout.TSA_CHAIN), tsaTrust, findings), null);
      } else if (c.hashes.containsKey(BundleLayout.TSA_CHAIN)) {
        findings.add(new Finding("timestamp", BundleLayout.TSA_CHAIN, "a TSA chain without a time-stamp"));
      }
      int items = c.manifest == null ? 0 : c.manifest.items().size();
      List<Long> open = c.manifest == null ? List.of() : CustodyLog.openBeforeSeal(chain.entries());
      return report(bundle, c.top, findings, signer, ts, c.hashes.size(), items, chain.count(), open, c.bytesRead);
    }
  }

  /** Runs one check; hostile content that makes a library throw becomes a finding of that check. */
  private static <T> T guard(String check, List<Finding> findings, java.util.function.Supplier<T> body, T fallback) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      findings.add(new Finding(check, null, "check could not complete on this content: " + e));
      return fallback;
    }
  }

  private static Map<String, Sha256> checkFiles(Collector c, List<Finding> findings) {
    byte[] bytes = c.memory.get(BundleLayout.SHA256SUMS);
    if (bytes == null) {
      return Map.of();
    }
    Sha256Sums.Parsed parsed = Sha256Sums.parse(bytes);
    parsed.problems().forEach(p -> findings.add(new Finding("sha256sums", BundleLayout.SHA256SUMS, p)));
    Map<String, Sha256> sums = parsed.entries();
    sums.forEach((path, expected) -> {
      Sha256 actual = c.hashes.get(path);
      if (actual == null) {
        findings.add(new Finding("file-missing", path, "listed in SHA256SUMS but not in the bundle"));
      } else if (!actual.equals(expected)) {
        findings.add(new Finding("file-hash", path, "SHA-256 " + actual + ", SHA256SUMS says " + expected));
      }
      if (BundleLayout.UNSEALED.contains(path)) {
        findings.add(new Finding("sha256sums", path, "lists a file that cannot be sealed"));
      }
    });
    for (String path : c.hashes.keySet()) {
      if (!sums.containsKey(path) && !BundleLayout.UNSEALED.contains(path)) {
        findings.add(new Finding("file-extra", path, "in the bundle but not in SHA256SUMS"));
      }
    }
    return sums;
  }

  private static ChainReport checkChain(Collector c, List<Finding> findings) {
    List<CustodyChain.EntryFile> files = new ArrayList<>();
    for (String path : c.hashes.keySet()) {
      if (path.startsWith(BundleLayout.CUSTODY_DIR + "/")) {
        byte[] b = c.memory.get(path);
        if (b == null) {
          findings.add(new Finding("custody-chain", path, "entry too large to be a custody entry"));
          continue;
        }
        files.add(new CustodyChain.EntryFile(path, b));
      }
    }
    ChainReport report = CustodyChain.verify(files);
    report.problems().forEach(p -> findings.add(new Finding("custody-chain", p.path(), p.detail())));
    if (files.isEmpty()) {
      findings.add(new Finding("custody-chain", BundleLayout.CUSTODY_DIR, "no custody entries"));
    } else if (!report.entries().isEmpty()) {
      CustodyEntry last = report.entries().get(report.entries().size() - 1);
      boolean sealsThis = "sealed".equals(last.event()) && last.outcome() == Outcome.INTENT
          && last.objects().stream().map(CustodyObject::sourceId).anyMatch(id -> id != null && id.equals(c.top));
      if (!sealsThis || last.seq() != files.size()) {
        findings.add(new Finding("custody-chain", files.get(files.size() - 1).path(), "the chain does not end with the seal of bundle " + c.top));
      }
    }
    return report;
  }

  private static VerificationReport report(String bundle, String id, List<Finding> findings, SignerSummary signer, TimestampSummary ts,
      int files, int items, int entries, List<Long> open, long bytes) {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparingInt((Finding f) -> {
      int i = ORDER.indexOf(f.check());
      return i < 0 ? ORDER.size() : i;
    }));
    return new VerificationReport(sorted.isEmpty(), bundle, id, sorted, signer, ts, files, items, entries, open, bytes);
  }
}
