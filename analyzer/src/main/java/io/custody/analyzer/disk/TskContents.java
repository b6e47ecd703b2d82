package io.custody.analyzer.disk;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.process.ProcessRunner;
import java.security.MessageDigest;

/** File contents read with {@code icat} from the raw image: the file system is never mounted, nothing is executed. */
final class TskContents implements FsView.Contents {

  /** Larger files are not hashed (the finding says so by having no hash). */
  static final int MAX_HASHED = 256 << 20;

  private final Tsk tsk;
  private final long offset;

  TskContents(Tsk tsk, long offset) {
    this.tsk = tsk;
    this.offset = offset;
  }

  @Override
  public byte[] read(BodyfileEntry e, int max) {
    if (!e.regular() || e.size() == 0) {
      return new byte[0];
    }
    ProcessRunner.Result r = tsk.icat(offset, e.inode(), max);
    return r.exit() == 0 || r.truncated() ? r.out() : new byte[0];
  }

  @Override
  public String digest(BodyfileEntry e, String algorithm) {
    if (e.size() > MAX_HASHED || !e.regular()) {
      return null;
    }
    ProcessRunner.Result r = tsk.icat(offset, e.inode(), MAX_HASHED + 1);
    if (r.exit() != 0 || r.truncated()) {
      return null;
    }
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(r.out()));
    } catch (java.security.NoSuchAlgorithmException x) {
      throw new IllegalArgumentException(algorithm, x);
    }
  }
}
