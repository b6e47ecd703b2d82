package io.custody.evidence.bundle;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Item;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@code VERIFY.txt}: a POSIX shell script, readable as instructions, whose commands verify the
 * bundle with tar, openssl, sha256sum and zstd alone. Run from inside the extracted bundle with
 * {@code TRUST=cert.pem sh VERIFY.txt}; it exits non-zero at the first failed check and prints
 * {@code VERIFIED} at the end.
 */
final class VerifyText {

  private static final String SIX_DIGITS = "[0-9][0-9][0-9][0-9][0-9][0-9]";

  private VerifyText() {}

  static byte[] write(String bundleId, String fingerprint, List<Item> items, int custodyEntries, Sha256 custodyHead, boolean timestamped,
      List<Long> openIntents) {
    int steps = timestamped ? 6 : 5;
    StringBuilder s = new StringBuilder();
    s.append("# EVB ").append(BundleLayout.FORMAT_VERSION).append(" evidence bundle ").append(bundleId).append('\n')
        .append("#\n")
        .append("# How to verify this bundle with standard tools only: tar, openssl (1.1.1 or 3.x),\n")
        .append("# sha256sum (GNU coreutils) and zstd. This file is a POSIX shell script: run it as below,\n")
        .append("# or copy its commands one by one.\n")
        .append("#\n")
        .append("#   tar -xf ").append(bundleId).append(".tar\n")
        .append("#   cd ").append(bundleId).append('\n')
        .append("#   TRUST=/path/to/examiner.cert.pem sh VERIFY.txt\n")
        .append("#\n")
        .append("# TRUST is the examiner's certificate as you received it through a channel you trust, not\n")
        .append("# the copy inside this bundle. Its SHA-256 fingerprint must be\n")
        .append("#   ").append(fingerprint).append('\n')
        .append("# as shown by: openssl x509 -in \"$TRUST\" -noout -fingerprint -sha256\n")
        .append("#\n")
        .append("# The script stops with a non-zero status at the first check that fails and prints VERIFIED\n")
        .append("# when all pass. custody-verify makes the same checks and lists every finding:\n")
        .append("#   java -jar custody-verify.jar ").append(bundleId).append(".tar --trust examiner.cert.pem\n");
    if (!openIntents.isEmpty()) {
      s.append("#\n")
          .append("# INCOMPLETE: this case was sealed with --allow-incomplete. Custody entries ").append(openIntents).append('\n')
          .append("# record actions that were begun and never recorded as finished; manifest.json lists them\n")
          .append("# under custody.open_intents. Read those entries in custody/ before relying on what they did.\n");
    }
    s
        .append('\n')
        .append("set -eu\n")
        .append(": \"${TRUST:?set TRUST to the examiner certificate you trust}\"\n")
        .append("tmp=$(mktemp -d)\n")
        .append("trap 'rm -rf \"$tmp\"' EXIT\n")
        .append('\n');

    s.append("echo \"1/").append(steps).append(" signature over SHA256SUMS, chaining to TRUST\" >&2\n")
        .append("openssl cms -verify -binary -inform DER -in SHA256SUMS.p7s -content SHA256SUMS -CAfile \"$TRUST\" -purpose any -out /dev/null\n")
        .append('\n');

    s.append("echo \"2/").append(steps).append(" every sealed file against SHA256SUMS\" >&2\n")
        .append("sha256sum --strict --quiet -c SHA256SUMS\n")
        .append('\n');

    s.append("echo \"3/").append(steps).append(" no file beyond SHA256SUMS, no links or special files\" >&2\n")
        .append("# (only the signature, its time-stamp and the TSA chain are outside SHA256SUMS)\n")
        .append("test -z \"$(find . ! -type f ! -type d)\"\n")
        .append("find . -type f | sed 's|^\\./||' | grep -v -x -e SHA256SUMS -e SHA256SUMS.p7s -e SHA256SUMS.p7s.tsr -e certs/tsa-chain.pem | LC_ALL=C sort > \"$tmp/found\"\n")
        .append("cut -c67- SHA256SUMS > \"$tmp/listed\"\n")
        .append("cmp \"$tmp/found\" \"$tmp/listed\"\n")
        .append('\n');

    s.append("echo \"4/").append(steps).append(" raw hash of every item (stored files joined, decompressed)\" >&2\n");
    for (Item item : items) {
      s.append("# ").append(item.id()).append(": ").append(item.type().label()).append(' ').append(item.sourceId())
          .append(", ").append(item.size()).append(" bytes in ").append(item.segments().size())
          .append(item.segments().size() == 1 ? " stored file" : " stored files").append('\n');
      String stream = stream(item);
      s.append("test \"$(").append(stream).append(" | sha256sum | cut -c1-64)\" = \"").append(item.hashes().sha256().hex()).append("\"\n");
      for (HashAlgorithm a : List.of(HashAlgorithm.MD5, HashAlgorithm.SHA1)) {
        item.hashes().hex(a).ifPresent(hex -> s.append("# optional, one more read: test \"$(").append(stream).append(" | ")
            .append(a.label()).append("sum | cut -c1-").append(hex.length()).append(")\" = \"").append(hex).append("\"\n"));
      }
      if (item.segmented()) {
        String dir = item.dir();
        String cmd = item.compression() == Compression.ZSTD ? "zstd -dcq \"" + dir + "/$f\"" : "cat \"" + dir + "/$f\"";
        s.append("# optional, to find a damaged segment: while read -r h f; do test \"$(").append(cmd)
            .append(" | sha256sum | cut -c1-64)\" = \"$h\" || echo \"BAD $f\"; done < ").append(dir).append('/')
            .append(item.name()).append(".pieces.sha256\n");
      }
    }
    s.append('\n');

    s.append("echo \"5/").append(steps).append(" custody chain: each entry holds the SHA-256 of the one before\" >&2\n")
        .append("prev=").append(Sha256.ZERO.hex()).append('\n')
        .append("n=0\n")
        .append("for f in custody/*.json; do\n")
        .append("  n=$((n + 1))\n")
        .append("  test \"$f\" = \"custody/$(printf %06d \"$n\").json\"\n")
        .append("  grep -q \"^  \\\"seq\\\": $n,\\$\" \"$f\"\n")
        .append("  grep -q \"^  \\\"prev_sha256\\\": \\\"$prev\\\",\\$\" \"$f\"\n")
        .append("  prev=$(sha256sum \"$f\" | cut -c1-64)\n")
        .append("done\n")
        .append("test \"$n\" = \"").append(custodyEntries).append("\"\n")
        .append("test \"$prev\" = \"").append(custodyHead.hex()).append("\"\n")
        .append('\n');

    if (timestamped) {
      s.append("echo \"6/6 RFC 3161 time-stamp over the signature\" >&2\n")
          .append("# certs/tsa-chain.pem is the chain the TSA sent; to check who stamped, use the TSA's own\n")
          .append("# published root as -CAfile instead.\n")
          .append("openssl ts -verify -in SHA256SUMS.p7s.tsr -data SHA256SUMS.p7s -CAfile certs/tsa-chain.pem -partial_chain > /dev/null\n")
          .append('\n');
    }
    s.append("echo VERIFIED\n");
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The shell pipeline that prints an item's raw bytes. */
  private static String stream(Item item) {
    String files;
    if (item.segmented()) {
      files = item.dir() + "/" + item.name() + item.compression().suffix() + "." + SIX_DIGITS;
    } else {
      files = item.dir() + "/" + item.segments().get(0).file();
    }
    return item.compression() == Compression.ZSTD ? "cat " + files + " | zstd -dcq" : "cat " + files;
  }
}
