package io.custody.analyzer;

import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStream;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.Sha256;
import io.custody.evidence.files.BulkInputStream;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * An item's raw bytes, read back from its stored segments (decompressed when zstd) in order, and
 * hashed on the way: reaching the end with a size or SHA-256 other than the recorded ones throws
 * {@link IntegrityException}, as does a segment that no longer decompresses, so an analysis never
 * silently runs on evidence that changed since it was acquired. Callers must read to the end (an
 * analysis that stops early has not verified what it read) and must not trust their results until
 * then. A missing segment is a {@link HostException}.
 */
public final class ItemStream extends BulkInputStream {

  private final Case kase;
  private final Item item;
  private final MessageDigest sha = HashAlgorithm.SHA256.newDigest();
  private int next;
  private InputStream current;
  private long read;
  private boolean verified;

  public ItemStream(Case kase, Item item) {
    this.kase = kase;
    this.item = item;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0; // a segment's read of 0 bytes would look like its end
    }
    while (true) {
      if (current == null && !open()) {
        verify();
        return -1;
      }
      int n;
      try {
        n = current.read(b, off, len);
      } catch (ZstdIOException e) {
        throw new IntegrityException("Failed to read item '" + item.id() + "': stored segment " + item.segments().get(next - 1).file()
            + " no longer decompresses (" + e.getMessage() + "); it changed since it was acquired", e);
      }
      if (n > 0) {
        sha.update(b, off, n);
        read += n;
        return n;
      }
      current.close();
      current = null;
    }
  }

  private boolean open() throws IOException {
    if (next >= item.segments().size()) {
      return false;
    }
    Segment s = item.segments().get(next++);
    String rel = item.dir() + "/" + s.file();
    if (!Names.isSafeRelativePath(rel)) {
      throw new IntegrityException("Failed to read item '" + item.id() + "': unsafe segment path '" + rel + "'");
    }
    Path p = kase.dir().resolve(rel);
    if (!Files.isRegularFile(p)) {
      throw new HostException("Failed to read item '" + item.id() + "': segment " + rel + " is missing");
    }
    InputStream in = Files.newInputStream(p);
    current = item.compression() == Compression.ZSTD ? new ZstdInputStream(in) : in;
    return true;
  }

  private void verify() {
    if (verified) {
      return;
    }
    verified = true;
    Sha256 got = Sha256.of(sha.digest());
    if (read != item.size() || !got.equals(item.hashes().sha256())) {
      throw new IntegrityException("Failed to read item '" + item.id() + "': its " + read + " bytes hash to " + got + ", acquisition recorded "
          + item.size() + " bytes with SHA-256 " + item.hashes().sha256());
    }
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.close();
    }
  }
}
