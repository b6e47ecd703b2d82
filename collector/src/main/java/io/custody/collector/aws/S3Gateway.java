package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;

/** S3 bucket settings. No DryRun: with {@code dryRun} nothing is called. */
public interface S3Gateway {

  /** Policy, ACL, public-access block and policy status of a bucket; absent parts are null, unsupported ones say so. */
  JsonNode bucketRecord(String bucket);

  /** True when all four public-access-block settings are on for the bucket. */
  boolean publicAccessBlocked(String bucket);

  Change blockPublicAccess(String bucket, boolean dryRun);
}
