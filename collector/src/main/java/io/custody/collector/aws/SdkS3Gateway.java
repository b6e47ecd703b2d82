package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.internal.Json;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link S3Gateway} over the AWS SDK: listings page through every page; bodies are streamed, never held whole. */
final class SdkS3Gateway implements S3Gateway {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final S3Client s3;

  SdkS3Gateway(S3Client s3) {
    this.s3 = s3;
  }

  @Override
  public JsonNode bucketRecord(String bucket) {
    // GetBucketAcl doubles as the existence check (HeadBucket needs s3:ListBucket on the whole bucket).
    JsonNode acl = SdkJson.of(Calls.call("read", "ACL of bucket '" + bucket + "'", () -> s3.getBucketAcl(r -> r.bucket(bucket))));
    ObjectNode o = F.objectNode();
    o.put("Bucket", bucket);
    o.set("Policy", part(() -> {
      String p = s3.getBucketPolicy(r -> r.bucket(bucket)).policy();
      try {
        return Json.mapper().readTree(p);
      } catch (java.io.IOException e) {
        return F.textNode(p);
      }
    }));
    o.set("Acl", acl);
    o.set("PublicAccessBlock", part(() -> SdkJson.of(s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration())));
    o.set("PolicyStatus", part(() -> SdkJson.of(s3.getBucketPolicyStatus(r -> r.bucket(bucket)).policyStatus())));
    return o;
  }

  /** One part of the record: null when the bucket has none, an error note when the endpoint cannot say. */
  private static JsonNode part(Supplier<JsonNode> read) {
    try {
      return read.get();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (code.startsWith("NoSuch")) {
        return F.nullNode();
      }
      return F.objectNode().put("Error", code).put("Message", e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage())
          .put("HttpStatus", e.statusCode());
    }
  }

  @Override
  public boolean publicAccessBlocked(String bucket) {
    try {
      var c = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
      return Boolean.TRUE.equals(c.blockPublicAcls()) && Boolean.TRUE.equals(c.ignorePublicAcls())
          && Boolean.TRUE.equals(c.blockPublicPolicy()) && Boolean.TRUE.equals(c.restrictPublicBuckets());
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode().startsWith("NoSuch")) {
        return false;
      }
      throw Calls.translate("read", "public access block of bucket '" + bucket + "'", e);
    }
  }

  @Override
  public Change blockPublicAccess(String bucket, boolean dryRun) {
    if (dryRun) {
      return new Change("s3:PutPublicAccessBlock", bucket, null, true);
    }
    PublicAccessBlockConfiguration all = PublicAccessBlockConfiguration.builder()
        .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true).build();
    var resp = Calls.call("block", "public access to bucket '" + bucket + "'", () ->
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(all)));
    if (resp.responseMetadata() == null) {
      throw new AwsOperationException("Failed to block public access to bucket '" + bucket + "': no response");
    }
    return new Change("s3:PutPublicAccessBlock", bucket, resp.responseMetadata().requestId(), false);
  }

  @Override
  public void listObjects(String bucket, String prefix, Consumer<ListedObject> each) {
    Calls.call("list", "objects under 's3://" + bucket + "/" + prefix + "'", () -> {
      for (var page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))) {
        for (S3Object o : page.contents()) {
          each.accept(new ListedObject(o.key(), o.size() == null ? -1 : o.size(), unquote(o.eTag()), o.lastModified()));
        }
      }
      return null;
    });
  }

  @Override
  public ObjectDownload getObject(String bucket, String key) {
    ResponseInputStream<GetObjectResponse> in = Calls.call("get", "object 's3://" + bucket + "/" + key + "'",
        () -> s3.getObject(r -> r.bucket(bucket).key(key)));
    GetObjectResponse r = in.response();
    return new ObjectDownload(new SdkFailuresAsIo(in), r.contentLength() == null ? -1 : r.contentLength(), unquote(r.eTag()), r.versionId(),
        r.lastModified(), r.serverSideEncryptionAsString(), r.sseCustomerAlgorithm() != null);
  }

  private static String unquote(String etag) {
    return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
  }

  /** A response body whose SDK failures (connection reset, checksum) surface as IOException. */
  private static final class SdkFailuresAsIo extends FilterInputStream {
    SdkFailuresAsIo(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
