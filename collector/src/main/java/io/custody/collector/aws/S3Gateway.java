package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.AwsOperationException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * S3: bucket settings (containment), objects read as evidence (CloudTrail), and memory capture's
 * multipart uploads through presigned URLs (the evidence host holds no credentials) with its small
 * objects (plan, result, module library). Bucket settings have no DryRun: with {@code dryRun}
 * nothing is called. Every method throws {@link AwsOperationException} when S3 refuses. Presigned
 * URLs carry credentials: never log or record them.
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
   * Reads a small object whole.
   *
   * @return empty when there is no such object
   * @throws AwsOperationException when it is larger than {@code maxBytes} or S3 refuses
   */
  Optional<byte[]> getSmall(String bucket, String key, int maxBytes);

  /** @return the change; its resource id is {@code s3://bucket/key} */
  Change putObject(String bucket, String key, byte[] bytes, String contentType);

  /** @return the change; its resource id is the upload id */
  Change createMultipartUpload(String bucket, String key);

  /** A URL that lets its holder PUT one part of an upload, and nothing else, until it expires. */
  URI presignUploadPart(String bucket, String key, String uploadId, int partNumber, Duration validFor);

  /** A URL that lets its holder GET one object until it expires. */
  URI presignGet(String bucket, String key, Duration validFor);

  /** A URL that lets its holder PUT one object until it expires. */
  URI presignPut(String bucket, String key, Duration validFor);

  /** @return the change; its resource id is the ETag of the completed object, without quotes */
  Change completeMultipartUpload(String bucket, String key, String uploadId, List<UploadedPart> parts);

  Change abortMultipartUpload(String bucket, String key, String uploadId);

  /** Uploads started under {@code prefix} and neither completed nor aborted. */
  List<OpenUpload> listMultipartUploads(String bucket, String prefix);

  /** The parts S3 holds for an upload, in part order. */
  List<UploadedPart> listParts(String bucket, String key, String uploadId);

  /**
   * One object of a listing.
   *
   * @param etag as S3 lists it, without quotes
   */
  record ListedObject(String key, long size, String etag, Instant lastModified) {}

  /** A multipart upload that was started and neither completed nor aborted. */
  record OpenUpload(String key, String uploadId) {}

  /**
   * A part of a multipart upload.
   *
   * @param number 1-based part number
   * @param etag the part's ETag as S3 returned it, without quotes
   * @param size bytes, or -1 when unknown
   */
  record UploadedPart(int number, String etag, long size) {
    public UploadedPart {
      if (number < 1 || number > 10_000) {
        throw new IllegalArgumentException("part number " + number + " outside 1..10000");
      }
      etag = etag == null ? null : etag.replace("\"", "");
    }
  }

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
