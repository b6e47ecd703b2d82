package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * Turns SDK responses into JSON with AWS's own member names (as the AWS CLI prints them), so that
 * what AWS answered is kept as evidence, whole, without a hand-written mapping per call.
 */
final class SdkJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SdkJson() {}

  /** Every member of an SDK object; a response also gets its request id under {@code ResponseMetadata}. */
  static JsonNode of(Object value) {
    if (value == null) {
      return F.nullNode();
    }
    if (value instanceof SdkPojo pojo) {
      ObjectNode o = F.objectNode();
      for (SdkField<?> f : pojo.sdkFields()) {
        Object v = f.getValueOrDefault(pojo);
        if (v == null || v instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?> l && l.isEmpty()
            || v instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?> m && m.isEmpty()) {
          continue;
        }
        o.set(f.memberName(), of(v));
      }
      if (value instanceof AwsResponse r && r.responseMetadata() != null && r.responseMetadata().requestId() != null) {
        o.set("ResponseMetadata", F.objectNode().put("RequestId", r.responseMetadata().requestId()));
      }
      return o;
    }
    if (value instanceof Collection<?> c) {
      ArrayNode a = F.arrayNode();
      c.forEach(x -> a.add(of(x)));
      return a;
    }
    if (value instanceof Map<?, ?> m) {
      ObjectNode o = F.objectNode();
      m.forEach((k, v) -> o.set(String.valueOf(k), of(v)));
      return o;
    }
    if (value instanceof Instant i) {
      return F.textNode(i.toString());
    }
    if (value instanceof SdkBytes b) {
      return F.textNode(Base64.getEncoder().encodeToString(b.asByteArrayUnsafe()));
    }
    if (value instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return F.numberNode(i);
    }
    if (value instanceof Long l) {
      return F.numberNode(l);
    }
    if (value instanceof Double d) {
      return F.numberNode(d);
    }
    if (value instanceof Float fl) {
      return F.numberNode(fl);
    }
    if (value instanceof java.math.BigDecimal bd) {
      return F.numberNode(bd);
    }
    return F.textNode(value.toString());
  }
}
