package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.Json;
import io.custody.evidence.files.FailuresAsIo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link S3Gateway} over the AWS SDK: listings page through every page; bodies are streamed, never
 * held whole (except {@link #getSmall}, bounded); presigned URLs from the session's presigner.
 */
final class SdkS3Gateway implements S3Gateway {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final S3Client s3;
  private final S3Presigner presigner;

  SdkS3Gateway(S3Client s3, S3Presigner presigner) {
    this.s3 = s3;
    this.presigner = presigner;
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
    return change("s3:PutPublicAccessBlock", bucket, resp);
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
    return new ObjectDownload(new FailuresAsIo(in, SdkException.class), r.contentLength() == null ? -1 : r.contentLength(), unquote(r.eTag()), r.versionId(),
        r.lastModified(), r.serverSideEncryptionAsString(), r.sseCustomerAlgorithm() != null);
  }

  @Override
  public Optional<byte[]> getSmall(String bucket, String key, int maxBytes) {
    String what = "object 's3://" + bucket + "/" + key + "'";
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      Long announced = in.response().contentLength();
      byte[] b = announced != null && announced > maxBytes ? null : in.readNBytes(maxBytes + 1);
      if (b == null || b.length > maxBytes) {
        in.abort();
        throw new AwsOperationException("Failed to read " + what + ": larger than the " + maxBytes + " bytes expected");
      }
      return Optional.of(b);
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (AwsServiceException e) {
      throw Calls.translate("read", what, e);
    } catch (SdkException | IOException e) {
      throw Calls.unreachable("read", what, e);
    }
  }

  @Override
  public Change putObject(String bucket, String key, byte[] bytes, String contentType) {
    String uri = "s3://" + bucket + "/" + key;
    return change("s3:PutObject", uri, Calls.call("put", "object '" + uri + "'", () ->
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes))));
  }

  @Override
  public Change createMultipartUpload(String bucket, String key) {
    var r = Calls.call("start", "a multipart upload of 's3://" + bucket + "/" + key + "'", () ->
        s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/octet-stream")));
    return new Change("s3:CreateMultipartUpload", r.uploadId(), requestId(r), false);
  }

  @Override
  public URI presignUploadPart(String bucket, String key, String uploadId, int partNumber, Duration validFor) {
    return uri(presigner.presignUploadPart(p -> p.signatureDuration(validFor)
        .uploadPartRequest(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber))));
  }

  @Override
  public URI presignGet(String bucket, String key, Duration validFor) {
    return uri(presigner.presignGetObject(p -> p.signatureDuration(validFor).getObjectRequest(g -> g.bucket(bucket).key(key))));
  }

  @Override
  public URI presignPut(String bucket, String key, Duration validFor) {
    return uri(presigner.presignPutObject(p -> p.signatureDuration(validFor).putObjectRequest(g -> g.bucket(bucket).key(key))));
  }

  @Override
  public Change completeMultipartUpload(String bucket, String key, String uploadId, List<UploadedPart> parts) {
    List<CompletedPart> done = new ArrayList<>();
    for (UploadedPart p : parts) {
      done.add(CompletedPart.builder().partNumber(p.number()).eTag("\"" + p.etag() + "\"").build());
    }
    var r = Calls.call("complete", "the multipart upload of 's3://" + bucket + "/" + key + "'", () ->
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done))));
    return new Change("s3:CompleteMultipartUpload", unquote(r.eTag()), requestId(r), false);
  }

  @Override
  public Change abortMultipartUpload(String bucket, String key, String uploadId) {
    String uri = "s3://" + bucket + "/" + key;
    return change("s3:AbortMultipartUpload", uri, Calls.call("abort", "the multipart upload of '" + uri + "'", () ->
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId))));
  }

  @Override
  public List<OpenUpload> listMultipartUploads(String bucket, String prefix) {
    return Calls.call("list", "multipart uploads of 's3://" + bucket + "/" + prefix + "'", () -> {
      List<OpenUpload> out = new ArrayList<>();
      for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
        for (MultipartUpload u : page.uploads()) {
          out.add(new OpenUpload(u.key(), u.uploadId()));
        }
      }
      return out;
    });
  }

  @Override
  public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
    return Calls.call("list", "parts of 's3://" + bucket + "/" + key + "'", () -> {
      List<UploadedPart> out = new ArrayList<>();
      for (var page : s3.listPartsPaginator(b -> b.bucket(bucket).key(key).uploadId(uploadId))) {
        for (var p : page.parts()) {
          out.add(new UploadedPart(p.partNumber(), p.eTag(), p.size() == null ? -1 : p.size()));
        }
      }
      out.sort(Comparator.comparingInt(UploadedPart::number));
      return out;
    });
  }

  private static Change change(String api, String resource, AwsResponse r) {
    return new Change(api, resource, requestId(r), false);
  }

  private static String requestId(AwsResponse r) {
    return r.responseMetadata() == null ? null : r.responseMetadata().requestId();
  }

  private static URI uri(PresignedRequest r) {
    try {
      return r.url().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the SDK presigned a URL that is not a URI", e);
    }
  }

  private static String unquote(String etag) {
    return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
  }
}
