package io.custody.lime.ssm;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;

/** {@link S3Gateway} on the AWS SDK. */
final class SdkS3Gateway implements S3Gateway {

  private final S3Client s3;
  private final S3Presigner presigner;

  SdkS3Gateway(S3Client s3, S3Presigner presigner) {
    this.s3 = s3;
    this.presigner = presigner;
  }

  @Override
  public Called<String> createMultipartUpload(String bucket, String key) {
    try {
      var r = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/octet-stream"));
      return new Called<>(r.uploadId(), r.responseMetadata().requestId());
    } catch (SdkException e) {
      throw AwsErrors.of("create multipart upload 's3://" + bucket + "/" + key + "'", e);
    }
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
  public Called<String> completeMultipartUpload(String bucket, String key, String uploadId, List<UploadedPart> parts) {
    List<CompletedPart> done = new ArrayList<>();
    for (UploadedPart p : parts) {
      done.add(CompletedPart.builder().partNumber(p.number()).eTag("\"" + p.etag() + "\"").build());
    }
    try {
      var r = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
      return new Called<>(r.eTag() == null ? null : r.eTag().replace("\"", ""), r.responseMetadata().requestId());
    } catch (SdkException e) {
      throw AwsErrors.of("complete multipart upload 's3://" + bucket + "/" + key + "'", e);
    }
  }

  @Override
  public String abortMultipartUpload(String bucket, String key, String uploadId) {
    try {
      return s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)).responseMetadata().requestId();
    } catch (SdkException e) {
      throw AwsErrors.of("abort multipart upload 's3://" + bucket + "/" + key + "'", e);
    }
  }

  @Override
  public List<OpenUpload> listMultipartUploads(String bucket, String prefix) {
    try {
      List<OpenUpload> out = new ArrayList<>();
      for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
        for (MultipartUpload u : page.uploads()) {
          out.add(new OpenUpload(u.key(), u.uploadId()));
        }
      }
      return out;
    } catch (SdkException e) {
      throw AwsErrors.of("list multipart uploads of 's3://" + bucket + "/" + prefix + "'", e);
    }
  }

  @Override
  public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
    try {
      List<UploadedPart> out = new ArrayList<>();
      for (var page : s3.listPartsPaginator(b -> b.bucket(bucket).key(key).uploadId(uploadId))) {
        for (var p : page.parts()) {
          out.add(new UploadedPart(p.partNumber(), p.eTag(), p.size() == null ? -1 : p.size()));
        }
      }
      out.sort(java.util.Comparator.comparingInt(UploadedPart::number));
      return out;
    } catch (SdkException e) {
      throw AwsErrors.of("list parts of 's3://" + bucket + "/" + key + "'", e);
    }
  }

  @Override
  public String putObject(String bucket, String key, byte[] bytes, String contentType) {
    try {
      return s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes)).responseMetadata().requestId();
    } catch (SdkException e) {
      throw AwsErrors.of("put 's3://" + bucket + "/" + key + "'", e);
    }
  }

  @Override
  public Optional<byte[]> getSmall(String bucket, String key, int maxBytes) {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      Long len = in.response().contentLength();
      if (len != null && len > maxBytes) {
        in.abort();
        throw new io.custody.evidence.AwsOperationException("Failed to read 's3://" + bucket + "/" + key + "': " + len + " bytes, at most " + maxBytes + " expected");
      }
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        in.abort();
        throw new io.custody.evidence.AwsOperationException("Failed to read 's3://" + bucket + "/" + key + "': more than " + maxBytes + " bytes");
      }
      return Optional.of(b);
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsErrors.of("get 's3://" + bucket + "/" + key + "'", e);
    } catch (IOException e) {
      throw new io.custody.evidence.AwsOperationException("Failed to read 's3://" + bucket + "/" + key + "': " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<ObjectInfo> head(String bucket, String key) {
    try {
      HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key));
      return Optional.of(new ObjectInfo(key, r.contentLength(), r.eTag() == null ? null : r.eTag().replace("\"", "")));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      if (AwsErrors.status(e) == 404) {
        return Optional.empty();
      }
      throw AwsErrors.of("head 's3://" + bucket + "/" + key + "'", e);
    }
  }

  @Override
  public InputStream open(String bucket, String key) {
    try {
      return s3.getObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw AwsErrors.of("get 's3://" + bucket + "/" + key + "'", e);
    }
  }

  @Override
  public List<String> listKeys(String bucket, String prefix) {
    try {
      List<String> out = new ArrayList<>();
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
        for (S3Object o : page.contents()) {
          out.add(o.key());
        }
      }
      return out;
    } catch (SdkException e) {
      throw AwsErrors.of("list 's3://" + bucket + "/" + prefix + "'", e);
    }
  }

  private static URI uri(PresignedRequest r) {
    try {
      return r.url().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the SDK presigned a URL that is not a URI", e);
    }
  }
}
