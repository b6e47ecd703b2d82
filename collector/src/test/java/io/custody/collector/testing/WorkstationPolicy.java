package io.custody.collector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.MotoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * docs/iam/workstation-policy.json for tests: its placeholders filled in, a variant the emulator
 * can enforce, and a small evaluator of its Allow statements that says which permissions a set of
 * recorded AWS calls needs and the policy does not grant.
 *
 * <p>The evaluator knows what IAM needs for each call: {@code <signing name>:<operation>} on
 * {@code *}, except for S3 (its own action names, bucket and object ARNs) and SSM documents and
 * SendCommand targets (document, instance and managed-instance ARNs). Statements with a Condition
 * are not counted (the code's own calls never rely on one); Deny statements are not expected.
 */
public final class WorkstationPolicy {

  /** The emulator's account. */
  public static final String ACCOUNT = "123456789012";

  private static final Map<String, String> S3_ACTIONS = Map.ofEntries(
      Map.entry("CreateMultipartUpload", "PutObject"), Map.entry("UploadPart", "PutObject"),
      Map.entry("CompleteMultipartUpload", "PutObject"), Map.entry("PutObject", "PutObject"),
      Map.entry("AbortMultipartUpload", "AbortMultipartUpload"), Map.entry("ListParts", "ListMultipartUploadParts"),
      Map.entry("GetObject", "GetObject"), Map.entry("HeadObject", "GetObject"),
      Map.entry("ListMultipartUploads", "ListBucketMultipartUploads"), Map.entry("ListObjectsV2", "ListBucket"),
      Map.entry("ListObjects", "ListBucket"), Map.entry("GetBucketPolicy", "GetBucketPolicy"),
      Map.entry("GetBucketPolicyStatus", "GetBucketPolicyStatus"), Map.entry("GetBucketAcl", "GetBucketAcl"),
      Map.entry("GetPublicAccessBlock", "GetBucketPublicAccessBlock"), Map.entry("PutPublicAccessBlock", "PutBucketPublicAccessBlock"));
  private static final Set<String> SSM_DOCUMENT_CALLS = Set.of("DescribeDocument", "GetDocument", "CreateDocument", "UpdateDocument",
      "UpdateDocumentDefaultVersion");

  private final JsonNode policy;

  private WorkstationPolicy(JsonNode policy) {
    this.policy = policy;
  }

  /** One IAM permission: an action on a resource ARN (or {@code *}). */
  public record Permission(String action, String resource) {
    @Override
    public String toString() {
      return action + " on " + resource;
    }
  }

  /** The documented policy as written (placeholders and all). */
  public static String text() {
    try {
      return Files.readString(MotoServer.repo().resolve("docs/iam/workstation-policy.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documented policy with {@code CAPTURE_BUCKET} set to {@code captureBucket} (the trail bucket {@code trail-logs}). */
  public static WorkstationPolicy documented(String captureBucket) {
    return documented(captureBucket, "trail-logs");
  }

  /** The documented policy with its placeholders {@code CAPTURE_BUCKET} and {@code CLOUDTRAIL_BUCKET} filled in. */
  public static WorkstationPolicy documented(String captureBucket, String trailBucket) {
    return of(text().replace("arn:aws:s3:::CAPTURE_BUCKET", "arn:aws:s3:::" + captureBucket)
        .replace("arn:aws:s3:::CLOUDTRAIL_BUCKET", "arn:aws:s3:::" + trailBucket));
  }

  public static WorkstationPolicy of(String json) {
    try {
      return new WorkstationPolicy(Json.mapper().readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String json() {
    return policy.toString();
  }

  /** This policy without one action anywhere (to prove a check fails without it). */
  public WorkstationPolicy without(String action) {
    ObjectNode copy = policy.deepCopy();
    for (JsonNode s : copy.get("Statement")) {
      JsonNode a = s.get("Action");
      if (a.isArray()) {
        ArrayNode kept = Json.mapper().createArrayNode();
        a.forEach(x -> {
          if (!x.asText().equals(action)) {
            kept.add(x);
          }
        });
        ((ObjectNode) s).set("Action", kept);
      } else if (a.asText().equals(action)) {
        ((ObjectNode) s).set("Action", Json.mapper().createArrayNode());
      }
    }
    copy.set("Statement", dropEmpty(copy.get("Statement")));
    return new WorkstationPolicy(copy);
  }

  /**
   * What the emulator can enforce. moto 5 checks S3 requests against bucket and object ARNs, but
   * every other service's request against the resource {@code *}, so statements scoped to SSM or EC2
   * ARNs become {@code *} here (the evaluator checks those ARNs instead); it has no values for
   * the condition keys of a Condition and then treats the statement as a Deny, so conditional
   * statements are dropped (no call the code makes relies on one); and it keys the bucket public-access block as {@code public_access_block} while
   * requests say {@code publicAccessBlock}, so it asks s3:CreateBucket for PUT and s3:ListBucket for
   * GET instead (AWS: s3:PutBucketPublicAccessBlock, s3:GetBucketPublicAccessBlock), granted on
   * {@code *} beside them. Nothing else is added.
   */
  public String forEmulator() {
    ObjectNode copy = policy.deepCopy();
    ArrayNode statements = Json.mapper().createArrayNode();
    for (JsonNode s : copy.get("Statement")) {
      if (s.has("Condition")) {
        continue;
      }
      ObjectNode st = (ObjectNode) s;
      List<String> resources = strings(st.get("Resource"));
      if (resources.stream().anyMatch(r -> !r.equals("*") && !r.startsWith("arn:aws:s3:::"))) {
        st.put("Resource", "*");
      }
      List<String> actions = strings(st.get("Action"));
      ArrayNode a = st.putArray("Action");
      for (String x : actions) {
        a.add(x);
        if (x.equals("s3:PutBucketPublicAccessBlock")) {
          a.add("s3:CreateBucket");
        } else if (x.equals("s3:GetBucketPublicAccessBlock")) {
          a.add("s3:ListBucket");
        }
      }
      statements.add(st);
    }
    copy.set("Statement", statements);
    return copy.toString();
  }

  /** The permissions {@code calls} need, in order, each once. */
  public static List<Permission> needed(List<AwsCallLog.Call> calls) {
    Set<Permission> out = new LinkedHashSet<>();
    calls.forEach(c -> out.addAll(needed(c)));
    return List.copyOf(out);
  }

  /** The permissions one call needs. */
  public static List<Permission> needed(AwsCallLog.Call c) {
    String op = c.operation();
    switch (c.service()) {
      case "sts":
        if (op.equals("GetCallerIdentity")) {
          return List.of(); // needs no permission
        }
        break;
      case "s3": {
        String action = S3_ACTIONS.get(op);
        if (action == null) {
          throw new IllegalStateException("WorkstationPolicy does not know the IAM action of S3 " + op + ": add it to S3_ACTIONS");
        }
        Object key = c.field("Key");
        return List.of(new Permission("s3:" + action, "arn:aws:s3:::" + c.field("Bucket") + (key == null ? "" : "/" + key)));
      }
      case "ssm":
        if (op.equals("SendCommand")) {
          List<Permission> p = new ArrayList<>();
          p.add(new Permission("ssm:SendCommand", document(c.region(), String.valueOf(c.field("DocumentName")))));
          for (Object id : (List<?>) c.field("InstanceIds")) {
            p.add(new Permission("ssm:SendCommand", instance(c.region(), id.toString())));
          }
          return p;
        }
        if (SSM_DOCUMENT_CALLS.contains(op)) {
          return List.of(new Permission("ssm:" + op, document(c.region(), String.valueOf(c.field("Name")))));
        }
        break;
      default:
        break;
    }
    return List.of(new Permission(c.service() + ":" + op, "*"));
  }

  /**
   * What the holder of a presigned URL may do is what its signer may do: GET needs s3:GetObject, PUT
   * (an object or a part) s3:PutObject, on the object the path names (path-style URLs, as against
   * the emulator).
   */
  public static Permission neededByPresigned(String method, URI url) {
    String path = URLDecoder.decode(url.getRawPath(), StandardCharsets.UTF_8).substring(1);
    String action = switch (method) {
      case "GET" -> "s3:GetObject";
      case "PUT" -> "s3:PutObject";
      default -> throw new IllegalArgumentException(method);
    };
    return new Permission(action, "arn:aws:s3:::" + path);
  }

  private static String document(String region, String name) {
    return "arn:aws:ssm:" + region + ":" + ACCOUNT + ":document/" + name;
  }

  private static String instance(String region, String id) {
    return id.startsWith("mi-") ? "arn:aws:ssm:" + region + ":" + ACCOUNT + ":managed-instance/" + id
        : "arn:aws:ec2:" + region + ":" + ACCOUNT + ":instance/" + id;
  }

  /** The permissions in {@code needed} that no unconditional Allow statement grants. */
  public List<Permission> notGranted(List<Permission> needed) {
    return needed.stream().filter(p -> !allows(p)).toList();
  }

  /** Whether an unconditional Allow statement grants the permission. */
  public boolean allows(Permission p) {
    for (JsonNode s : policy.get("Statement")) {
      if (!"Allow".equals(s.path("Effect").asText()) || s.has("Condition") || s.has("NotAction") || s.has("NotResource")) {
        continue;
      }
      boolean action = strings(s.get("Action")).stream().anyMatch(a -> matches(a.toLowerCase(Locale.ROOT), p.action().toLowerCase(Locale.ROOT)));
      boolean resource = strings(s.get("Resource")).stream().anyMatch(r -> matches(r, p.resource()));
      if (action && resource) {
        return true;
      }
    }
    return false;
  }

  /** IAM wildcards: {@code *} any run of characters, {@code ?} one. */
  static boolean matches(String pattern, String value) {
    StringBuilder re = new StringBuilder();
    for (char ch : pattern.toCharArray()) {
      re.append(switch (ch) {
        case '*' -> ".*";
        case '?' -> ".";
        default -> Pattern.quote(String.valueOf(ch));
      });
    }
    return value.matches(re.toString());
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }

  private static ArrayNode dropEmpty(JsonNode statements) {
    ArrayNode out = Json.mapper().createArrayNode();
    statements.forEach(s -> {
      if (!(s.get("Action").isArray() && s.get("Action").isEmpty())) {
        out.add(s);
      }
    });
    return out;
  }
}
