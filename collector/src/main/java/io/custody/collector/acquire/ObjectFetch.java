package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.ByteSize;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Downloads one S3 object into a work file and checks it: exactly the announced Content-Length, no
 * more than the size cap, and, when the ETag is a plain MD5 of the bytes (single-part upload, no
 * SSE-KMS or SSE-C), that MD5. A transfer failure or an MD5 mismatch is retried once; a second one
 * fails: {@link IntegrityException} for the MD5 (naming the key), {@link AwsOperationException} for
 * the transfer. What AWS refuses outright (GetObject) is not retried here: the SDK already did.
 */
final class ObjectFetch {

  static final int ATTEMPTS = 2;
  private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-f]{32}");

  /** A checked download: its work file, its entry of {@code objects.json} and its modification time. */
  record Fetched(Path file, TrailObject record, Instant modified) {}

  private final S3Gateway s3;
  private final String bucket;
  private final Path file;
  private final long maxObjectSize;
  private final Consumer<String> say;

  /**
   * @param file the work file each download overwrites
   * @param say where retries are reported (stderr)
   */
  ObjectFetch(S3Gateway s3, String bucket, Path file, long maxObjectSize, Consumer<String> say) {
    this.s3 = s3;
    this.bucket = bucket;
    this.file = file;
    this.maxObjectSize = maxObjectSize;
    this.say = say;
  }

  Fetched fetch(TrailListing.Kept kept) {
    String key = kept.object().key();
    String first = null;
    for (int attempt = 1; ; attempt++) {
      Attempt a = download(key);
      String problem = a.problem();
      if (problem == null) {
        String date = kept.keyDate() == null ? null : kept.keyDate().toString();
        Instant modified = a.download.lastModified() != null ? a.download.lastModified() : kept.object().lastModified();
        return new Fetched(file, new TrailObject(key, a.size, a.download.etag(), a.download.versionId(),
            modified == null ? null : DateTimeFormatter.ISO_INSTANT.format(modified), date, a.sha256, a.md5, a.md5Skip == null, a.md5Skip,
            a.download.serverSideEncryption(), first), modified == null ? Instant.EPOCH : modified);
      }
      if (attempt == ATTEMPTS) {
        String what = "Failed to acquire 's3://" + bucket + "/" + key + "': " + problem + " (first attempt: " + first + ")";
        throw a.mismatch ? new IntegrityException(what) : new AwsOperationException(what);
      }
      first = problem;
      say.accept("s3://" + bucket + "/" + key + ": " + problem + "; downloading it again");
    }
  }

  /** One download: what went wrong, or the hashes of what arrived. */
  private static final class Attempt {
    S3Gateway.ObjectDownload download;
    long size;
    Sha256 sha256;
    String md5;
    String md5Skip;
    String transfer;
    boolean mismatch;

    String problem() {
      if (transfer != null) {
        return transfer;
      }
      return mismatch ? "its bytes have MD5 " + md5 + ", its ETag says " + download.etag() : null;
    }
  }

  private Attempt download(String key) {
    Attempt a = new Attempt();
    MessageDigest sha = HashAlgorithm.SHA256.newDigest();
    MessageDigest md5 = HashAlgorithm.MD5.newDigest();
    try (S3Gateway.ObjectDownload d = s3.getObject(bucket, key); OutputStream out = Files.newOutputStream(file)) {
      a.download = d;
      if (d.size() > maxObjectSize) {
        throw tooLarge(key, d.size());
      }
      byte[] buf = new byte[1 << 16];
      long total = 0;
      while (true) {
        int n;
        try {
          n = d.body().read(buf);
        } catch (IOException e) {
          a.transfer = "reading it failed after " + total + " bytes: " + e.getMessage();
          return a;
        }
        if (n < 0) {
          break;
        }
        total += n;
        if (total > maxObjectSize) {
          throw tooLarge(key, total);
        }
        sha.update(buf, 0, n);
        md5.update(buf, 0, n);
        out.write(buf, 0, n);
      }
      if (d.size() >= 0 && total != d.size()) {
        a.transfer = "S3 announced " + d.size() + " bytes and sent " + total;
        return a;
      }
      a.size = total;
    } catch (IOException e) {
      throw new HostException("Failed to write the download of 's3://" + bucket + "/" + key + "' to '" + file + "': " + e.getMessage(), e);
    }
    a.sha256 = Sha256.of(sha.digest());
    a.md5 = HexFormat.of().formatHex(md5.digest());
    a.md5Skip = md5Skip(a.download);
    a.mismatch = a.md5Skip == null && !a.md5.equals(a.download.etag());
    return a;
  }

  /** Why the ETag is not an MD5 of the object's bytes, or null when it is one. */
  static String md5Skip(S3Gateway.ObjectDownload d) {
    String etag = d.etag();
    if (etag == null) {
      return "S3 sent no ETag";
    }
    if (etag.contains("-")) {
      return "multipart upload: the ETag is not an MD5 of the bytes";
    }
    if (!PLAIN_MD5.matcher(etag).matches()) {
      return "the ETag is not a plain MD5";
    }
    if (d.customerKey()) {
      return "SSE-C: the ETag is not an MD5 of the bytes";
    }
    if (d.serverSideEncryption() != null && d.serverSideEncryption().startsWith("aws:kms")) {
      return d.serverSideEncryption().equals("aws:kms") ? "SSE-KMS: the ETag is not an MD5 of the bytes"
          : "SSE-KMS (" + d.serverSideEncryption() + "): the ETag is not an MD5 of the bytes";
    }
    return null;
  }

  private InvalidInputException tooLarge(String key, long size) {
    return new InvalidInputException("Failed to acquire 's3://" + bucket + "/" + key + "': it holds " + ByteSize.format(size) + ", more than the "
        + ByteSize.format(maxObjectSize) + " a CloudTrail file may have (raise --max-object-size to take it)");
  }

  /** Opens the work file for the archive, failing at its end if it no longer hashes to what was downloaded. */
  static InputStream reread(Fetched f) throws IOException {
    MessageDigest sha = HashAlgorithm.SHA256.newDigest();
    InputStream in = Files.newInputStream(f.file());
    return new java.io.FilterInputStream(in) {
      private boolean checked;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          sha.update(b, off, n);
        } else if (n < 0 && !checked) {
          checked = true;
          if (!Sha256.of(sha.digest()).equals(f.record().sha256())) {
            throw new IntegrityException("Failed to acquire '" + f.record().key() + "': its downloaded copy changed on this workstation before it "
                + "was archived");
          }
        }
        return n;
      }
    };
  }
}
