package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * S3: bucket settings (no DryRun: with {@code dryRun} nothing is called) and reading objects as
 * evidence. Every method throws {@link io.custody.evidence.AwsOperationException} when S3 refuses,
 * {@link io.custody.evidence.InvalidInputException} when the bucket does not exist.
 */
public interface S3Gateway {

  /** Policy, ACL, public-access block and policy status of a bucket; absent parts are null, unsupported ones say so. */
  JsonNode bucketRecord(String bucket);

  /** True when all four public-access-block settings are on for the bucket. */
  boolean publicAccessBlocked(String bucket);

  Change blockPublicAccess(String bucket, boolean dryRun);

  /** Hands every object under {@code prefix} to {@code each}, in S3's key order, all pages (ListObjectsV2). */
  void listObjects(String bucket, String prefix, Consumer<ListedObject> each);

  /** Opens the current version of an object (GetObject); the caller closes it. */
  ObjectDownload getObject(String bucket, String key);

  /**
   * One object of a listing.
   *
   * @param etag as S3 lists it, without quotes
   */
  record ListedObject(String key, long size, String etag, Instant lastModified) {}

  /**
   * An object being read, with what S3 said about it in the GetObject response. Reading {@code body}
   * throws {@link IOException} for any failure, the SDK's included.
   *
   * @param size the Content-Length S3 announced
   * @param etag without quotes
   * @param versionId null when the bucket is not versioned
   * @param serverSideEncryption e.g. AES256, aws:kms, aws:kms:dsse; null when S3 did not say
   * @param customerKey true when the object is encrypted with a customer-provided key (SSE-C)
   */
  record ObjectDownload(InputStream body, long size, String etag, String versionId, Instant lastModified, String serverSideEncryption,
      boolean customerKey) implements Closeable {
    @Override
    public void close() throws IOException {
      body.close();
    }
  }
}
