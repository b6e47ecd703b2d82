package io.custody.lime.ssm;

import io.custody.evidence.AwsOperationException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The S3 calls of memory capture: multipart upload through presigned part URLs (so the evidence
 * host needs no credentials), small objects (plan, result, module hashes) and streaming the capture
 * back. Every method throws {@link AwsOperationException} when S3 refuses.
 */
public interface S3Gateway {

  /** @return the upload id */
  Called<String> createMultipartUpload(String bucket, String key);

  /** A URL that lets its holder PUT one part of an upload, and nothing else, until it expires. */
  URI presignUploadPart(String bucket, String key, String uploadId, int partNumber, Duration validFor);

  /** A URL that lets its holder GET one object until it expires. */
  URI presignGet(String bucket, String key, Duration validFor);

  /** A URL that lets its holder PUT one object until it expires. */
  URI presignPut(String bucket, String key, Duration validFor);

  /** @return the ETag of the completed object */
  Called<String> completeMultipartUpload(String bucket, String key, String uploadId, List<UploadedPart> parts);

  /** @return the request id */
  String abortMultipartUpload(String bucket, String key, String uploadId);

  /** Uploads started under {@code prefix} and neither completed nor aborted. */
  List<OpenUpload> listMultipartUploads(String bucket, String prefix);

  /** The parts S3 holds for an upload, in part order. */
  List<UploadedPart> listParts(String bucket, String key, String uploadId);

  /** @return the request id */
  String putObject(String bucket, String key, byte[] bytes, String contentType);

  /**
   * Reads a small object whole.
   *
   * @return empty when there is no such object
   * @throws AwsOperationException when it is larger than {@code maxBytes} or S3 refuses
   */
  Optional<byte[]> getSmall(String bucket, String key, int maxBytes);

  /** @return empty when there is no such object */
  Optional<ObjectInfo> head(String bucket, String key);

  /** Streams an object (the caller closes the stream). */
  InputStream open(String bucket, String key);

  /** Every key under {@code prefix}. */
  List<String> listKeys(String bucket, String prefix);
}
