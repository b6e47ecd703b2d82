package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** {@link SweepGateway} over the AWS SDK. */
final class SdkSweepGateway implements SweepGateway {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final LambdaClient lambda;
  private final CloudTrailClient cloudTrail;
  private final String region;

  SdkSweepGateway(LambdaClient lambda, CloudTrailClient cloudTrail, String region) {
    this.lambda = lambda;
    this.cloudTrail = cloudTrail;
    this.region = region;
  }

  @Override
  public JsonNode lambdaFunctionsSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "Lambda functions in " + region, () -> {
      lambda.listFunctionsPaginator().functions().forEach(f -> {
        Instant modified = f.lastModified() == null ? null : java.time.OffsetDateTime.parse(f.lastModified(),
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS][.SSSSSS]Z")).toInstant();
        if (modified == null || !modified.isBefore(since)) {
          out.add(SdkJson.of(f));
        }
      });
      return null;
    });
    return out;
  }

  @Override
  public JsonNode lookupEvents(String attributeKey, String attributeValue, Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("look up", "CloudTrail events in " + region, () -> {
      cloudTrail.lookupEventsPaginator(r -> r.startTime(since)
          .lookupAttributes(LookupAttribute.builder().attributeKey(attributeKey).attributeValue(attributeValue).build()))
          .events().forEach(e -> out.add(SdkJson.of(e)));
      return null;
    });
    return out;
  }
}
