package io.custody.collector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.aws.Change;
import io.custody.collector.aws.S3Gateway;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** An S3 gateway whose every call fails the test: fakes override the few calls their code under test makes. */
public abstract class UnusedS3 implements S3Gateway {

  private static AssertionError unused(String call) {
    return new AssertionError("the code under test was not expected to call S3 " + call);
  }

  @Override
  public JsonNode bucketRecord(String bucket) {
    throw unused("bucketRecord");
  }

  @Override
  public boolean publicAccessBlocked(String bucket) {
    throw unused("publicAccessBlocked");
  }

  @Override
  public Change blockPublicAccess(String bucket, boolean dryRun) {
    throw unused("blockPublicAccess");
  }

  @Override
  public void listObjects(String bucket, String prefix, Consumer<ListedObject> each) {
    throw unused("listObjects");
  }

  @Override
  public ObjectDownload getObject(String bucket, String key) {
    throw unused("getObject");
  }

  @Override
  public Optional<byte[]> getSmall(String bucket, String key, int maxBytes) {
    throw unused("getSmall");
  }

  @Override
  public Change putObject(String bucket, String key, byte[] bytes, String contentType) {
    throw unused("putObject");
  }

  @Override
  public Change createMultipartUpload(String bucket, String key) {
    throw unused("createMultipartUpload");
  }

  @Override
  public URI presignUploadPart(String bucket, String key, String uploadId, int partNumber, Duration validFor) {
    throw unused("presignUploadPart");
  }

  @Override
  public URI presignGet(String bucket, String key, Duration validFor) {
    throw unused("presignGet");
  }

  @Override
  public URI presignPut(String bucket, String key, Duration validFor) {
    throw unused("presignPut");
  }

  @Override
  public Change completeMultipartUpload(String bucket, String key, String uploadId, List<UploadedPart> parts) {
    throw unused("completeMultipartUpload");
  }

  @Override
  public Change abortMultipartUpload(String bucket, String key, String uploadId) {
    throw unused("abortMultipartUpload");
  }

  @Override
  public List<OpenUpload> listMultipartUploads(String bucket, String prefix) {
    throw unused("listMultipartUploads");
  }

  @Override
  public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
    throw unused("listParts");
  }
}
