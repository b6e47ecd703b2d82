package io.custody.evidence.hash;

import io.custody.evidence.HashAlgorithm;
import java.util.Set;

/**
 * Warms up the JIT for the digests a command will use, on a background thread, while the command
 * line is still being parsed. HotSpot only uses the SHA and MD5 CPU instructions once C2 has
 * compiled the digest loop; until then the first hundreds of megabytes are hashed by slow
 * interpreted or C1 code. Many small updates get C2 there in about 40 ms of the other core's time,
 * which took 0.3 s off hashing 2 GiB in the benchmark.
 */
public final class WarmUp {

  private static final int UPDATES = 20_000;

  private WarmUp() {}

  /** Starts warming up; returns at once. */
  public static void start(Set<HashAlgorithm> algorithms) {
    for (HashAlgorithm a : algorithms) {
      Thread t = new Thread(() -> {
        var md = a.newDigest();
        byte[] block = new byte[64];
        for (int i = 0; i < UPDATES; i++) {
          md.update(block, 0, block.length);
        }
        md.digest();
      }, "custody-warmup-" + a.label());
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }
  }

  /** The digests a command line asks for: SHA-256 always, MD5 and SHA-1 when named. */
  public static Set<HashAlgorithm> forArgs(String[] args) {
    java.util.EnumSet<HashAlgorithm> set = java.util.EnumSet.of(HashAlgorithm.SHA256);
    for (String a : args) {
      if (a.equals("--md5")) {
        set.add(HashAlgorithm.MD5);
      } else if (a.equals("--sha1")) {
        set.add(HashAlgorithm.SHA1);
      }
    }
    return set;
  }
}
