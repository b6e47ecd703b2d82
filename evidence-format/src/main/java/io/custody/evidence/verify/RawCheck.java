package io.custody.evidence.verify;

import com.github.luben.zstd.ZstdInputStream;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.hash.HashingSession;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.workspace.Item;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.List;

/**
 * Checks one item's raw stream as its stored files go by, in order: each stored file is hashed as
 * stored, decompressed (never beyond its recorded raw length), hashed on its own (the segment hash)
 * and appended to the item's whole-stream digests (SHA-256, and MD5/SHA-1 when recorded). Digests run
 * on worker threads while the caller reads and decompresses.
 */
final class RawCheck implements AutoCloseable {

  private static final HashingEngine SEGMENT_ENGINE = HashingEngine.builder().bufferSize(1 << 20).buffers(4).build();

  private final Item item;
  private final List<Finding> findings;
  private final HashingEngine wholeEngine;
  private HashingSession whole;
  private int next;
  private boolean wholeBroken;
  private String brokenWhy;

  RawCheck(Item item, List<Finding> findings) {
    this.item = item;
    this.findings = findings;
    EnumSet<HashAlgorithm> algorithms = EnumSet.of(HashAlgorithm.SHA256);
    if (item.hashes().md5() != null) {
      algorithms.add(HashAlgorithm.MD5);
    }
    if (item.hashes().sha1() != null) {
      algorithms.add(HashAlgorithm.SHA1);
    }
    this.wholeEngine = HashingEngine.builder().algorithms(algorithms).bufferSize(1 << 20).buffers(4).build();
  }

  Item item() {
    return item;
  }

  /** The bundle-relative path of the next stored file expected, or null when all were seen. */
  String expected() {
    return next < item.segments().size() ? path(item.segments().get(next)) : null;
  }

  boolean done() {
    return next >= item.segments().size();
  }

  /**
   * Consumes one stored file (the expected one) to its end.
   *
   * @return the SHA-256 of the stored bytes
   */
  Sha256 feed(InputStream stored) throws IOException {
    Segment seg = item.segments().get(next++);
    String path = path(seg);
    if (whole == null) {
      whole = wholeEngine.open();
    }
    MessageDigest storedDigest = HashAlgorithm.SHA256.newDigest();
    Digesting din = new Digesting(stored, storedDigest);
    boolean zstd = item.compression() == Compression.ZSTD;
    HashingSession segment = zstd ? SEGMENT_ENGINE.open() : null;
    long got = 0;
    String problem = null;
    try (InputStream raw = zstd ? new ZstdInputStream(din) : new Digesting(din, null)) {
      byte[] buf = new byte[1 << 20];
      long limit = seg.length();
      int n;
      while ((n = raw.read(buf, 0, (int) Math.min(buf.length, limit - got + 1))) > 0) {
        if (got + n > limit) {
          problem = "holds more than its recorded " + limit + " raw bytes";
          n = (int) (limit - got);
        }
        if (segment != null) {
          segment.update(buf, 0, n);
        }
        if (!wholeBroken) {
          whole.update(buf, 0, n);
        }
        got += n;
        if (problem != null) {
          break;
        }
      }
      if (problem == null && got != limit) {
        problem = "holds " + got + " raw bytes, recorded " + limit;
      }
    } catch (IOException e) {
      problem = "cannot be decompressed at stored offset " + din.count + ": " + e.getMessage();
    } finally {
      din.drain();
    }
    Sha256 storedSha = Sha256.of(storedDigest.digest());
    if (problem != null) {
      findings.add(new Finding("segment-hash", path, "stored file " + problem));
      breakWhole("stored file " + seg.file() + " " + problem);
      if (segment != null) {
        segment.close();
      }
      return storedSha;
    }
    Sha256 rawSha = segment != null ? segment.finish().hashes().sha256() : storedSha;
    if (!rawSha.equals(seg.sha256())) {
      findings.add(new Finding("segment-hash", path, "raw SHA-256 " + rawSha + ", recorded " + seg.sha256()));
    }
    return storedSha;
  }

  /** Records that a stored file could not be read at all. */
  void missing(String why) {
    Segment seg = item.segments().get(next++);
    breakWhole("stored file " + seg.file() + " " + why);
  }

  /** Compares the whole-stream digests once every stored file went by. */
  void finish() throws IOException {
    if (!done()) {
      breakWhole("stored file " + item.segments().get(next).file() + " is not in the bundle");
    }
    if (wholeBroken) {
      findings.add(new Finding("raw-hash", item.dir(), item.id() + ": raw hash not verified: " + brokenWhy));
      return;
    }
    if (whole == null) {
      whole = wholeEngine.open(); // an item without stored files: compare the empty stream
    }
    HashResult r = whole.finish();
    whole = null;
    if (r.size() != item.size()) {
      findings.add(new Finding("raw-hash", item.dir(), item.id() + ": raw size " + r.size() + ", recorded " + item.size()));
    }
    for (HashAlgorithm a : HashAlgorithm.values()) {
      String recorded = item.hashes().hex(a).orElse(null);
      String actual = r.hashes().hex(a).orElse(null);
      if (recorded != null && !recorded.equals(actual)) {
        findings.add(new Finding("raw-hash", item.dir(), item.id() + ": raw " + a.label() + " " + actual + ", recorded " + recorded));
      }
    }
  }

  private void breakWhole(String why) {
    if (!wholeBroken) {
      wholeBroken = true;
      brokenWhy = why;
    }
  }

  private String path(Segment s) {
    return item.dir() + "/" + s.file();
  }

  @Override
  public void close() {
    if (whole != null) {
      whole.close();
    }
  }

  /** Hashes what passes, counts it, never closes the stream below (a tar entry). */
  static final class Digesting extends FilterInputStream {
    private final MessageDigest digest;
    long count;

    Digesting(InputStream in, MessageDigest digest) {
      super(in);
      this.digest = digest;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
        if (digest != null) {
          digest.update((byte) b);
        }
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
        if (digest != null) {
          digest.update(b, off, n);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return super.skip(0); // never skip: every byte must be hashed
    }

    void drain() throws IOException {
      byte[] buf = new byte[1 << 16];
      while (read(buf, 0, buf.length) >= 0) {
        // hash the rest
      }
    }

    @Override
    public void close() {
      // the caller owns the stream below
    }
  }
}
