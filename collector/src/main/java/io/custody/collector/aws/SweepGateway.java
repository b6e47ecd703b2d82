package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Region-scoped reads of the account sweep beyond EC2: Lambda functions and CloudTrail event history. */
public interface SweepGateway {

  /** Lambda functions last modified since. */
  JsonNode lambdaFunctionsSince(Instant since);

  /**
   * CloudTrail event history (LookupEvents, 90 days) for one attribute, e.g. AccessKeyId or
   * Username, since the time.
   */
  JsonNode lookupEvents(String attributeKey, String attributeValue, Instant since);
}
