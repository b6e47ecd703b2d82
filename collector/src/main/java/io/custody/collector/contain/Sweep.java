package io.custody.collector.contain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.aws.SweepGateway;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.CustodyException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.ids.AccessKeyId;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code custody sweep}: in every enabled region (or those given), what exists that was made or
 * changed since a time: instances, volumes, snapshots and AMIs with who they are shared with, key
 * pairs, security groups, Lambda functions, and what CloudTrail's event history says the principal or
 * key did; IAM users, keys, roles and policies once (IAM is global). Each region's answers become a
 * metadata item of the case. A call the endpoint cannot answer is written down as unanswered, never
 * dropped.
 */
public final class Sweep {

  /**
   * @param accessKey sweep for this key, or null
   * @param principalArn sweep for this principal, or null
   * @param regions the regions, or null for every enabled region
   */
  public record Options(AccessKeyId accessKey, String principalArn, Instant since, List<String> regions) {}

  /** One region's counts and what could not be asked. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"region", "item", "counts", "shared", "unanswered"})
  public record RegionResult(@JsonProperty("region") String region, @JsonProperty("item") String item,
      @JsonProperty("counts") Map<String, Integer> counts, @JsonProperty("shared") List<String> shared,
      @JsonProperty("unanswered") List<String> unanswered) {}

  /** The whole sweep. */
  @JsonPropertyOrder({"since", "subject", "regions"})
  public record Result(@JsonProperty("since") String since, @JsonProperty("subject") String subject,
      @JsonProperty("regions") List<RegionResult> regions) {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Case kase;
  private final AwsSession aws;
  private final Evidence evidence;
  private final Clock clock;
  private final PrintStream log;

  public Sweep(Case kase, AwsSession aws, Clock clock, PrintStream log) {
    this.kase = kase;
    this.aws = aws;
    this.evidence = new Evidence(kase);
    this.clock = clock;
    this.log = log;
  }

  public Result run(Options o) {
    if (o.accessKey() != null && o.principalArn() != null) {
      throw new InvalidInputException("Failed to sweep: give --access-key or --principal, not both");
    }
    if (o.principalArn() != null && !o.principalArn().startsWith("arn:")) {
      throw new InvalidInputException("Failed to sweep: --principal '" + o.principalArn() + "' is not an ARN");
    }
    String subject = o.accessKey() != null ? o.accessKey().value() : o.principalArn() != null ? o.principalArn() : "account";
    List<String> regions = regions(o);
    String stamp = clock.instant().toString().replace(":", "").replace("-", "");
    List<RegionResult> results = new ArrayList<>();
    String account;
    try {
      account = aws.sts().whoAmI().account();
    } catch (AwsOperationException e) {
      if (e.statusCode() == 0) {
        throw e; // AWS could not be asked at all (no credentials, no network): nothing else would answer either
      }
      account = null; // every listed snapshot is kept, and the reason shows in the region's unanswered list
    }
    log.println("custody: sweeping " + regions.size() + " region(s) for " + subject + " since " + o.since());
    results.add(iam(o, subject, stamp));
    for (String region : regions) {
      results.add(region(region, o, subject, stamp, account));
    }
    return new Result(o.since().toString(), subject, results);
  }

  /** The regions given, or every region enabled for the account. */
  List<String> regions(Options o) {
    return o.regions() != null ? o.regions() : aws.ec2().enabledRegions();
  }

  private RegionResult iam(Options o, String subject, String stamp) {
    ObjectNode doc = header("global", o, subject);
    List<String> unanswered = new ArrayList<>();
    var iam = aws.iam();
    ask(doc, "iam_users", unanswered, "iam:ListUsers", () -> iam.usersCreatedSince(o.since()));
    ask(doc, "iam_access_keys", unanswered, "iam:ListAccessKeys", () -> iam.accessKeysCreatedSince(o.since()));
    ask(doc, "iam_roles", unanswered, "iam:ListRoles", () -> iam.rolesCreatedSince(o.since()));
    ask(doc, "iam_policies", unanswered, "iam:ListPolicies", () -> iam.policiesCreatedSince(o.since()));
    doc.set("unanswered", Json.mapper().valueToTree(unanswered));
    Item item = evidence.add(ItemType.METADATA, subject, "sweep-iam-" + stamp + ".json", "aws:iam:sweep", Json.write(doc));
    RegionResult r = new RegionResult("iam (global)", item.id(), counts(doc), List.of(), unanswered);
    print(r);
    return r;
  }

  private RegionResult region(String region, Options o, String subject, String stamp, String account) {
    ObjectNode doc = header(region, o, subject);
    List<String> unanswered = new ArrayList<>();
    Ec2Gateway ec2 = aws.ec2(region);
    SweepGateway more = aws.sweep(region);
    ask(doc, "instances", unanswered, "ec2:DescribeInstances", () -> ec2.instancesLaunchedSince(o.since()));
    ask(doc, "volumes", unanswered, "ec2:DescribeVolumes", () -> ec2.volumesCreatedSince(o.since()));
    ask(doc, "snapshots", unanswered, "ec2:DescribeSnapshots", () -> ec2.snapshotsSince(o.since(), account));
    ask(doc, "images", unanswered, "ec2:DescribeImages", () -> ec2.imagesSince(o.since()));
    ask(doc, "key_pairs", unanswered, "ec2:DescribeKeyPairs", () -> ec2.keyPairsSince(o.since()));
    ask(doc, "security_groups", unanswered, "ec2:DescribeSecurityGroups", ec2::securityGroups);
    ask(doc, "lambda_functions", unanswered, "lambda:ListFunctions", () -> more.lambdaFunctionsSince(o.since()));
    if (o.accessKey() != null) {
      ask(doc, "cloudtrail_events", unanswered, "cloudtrail:LookupEvents", () -> more.lookupEvents("AccessKeyId", o.accessKey().value(), o.since()));
    } else if (o.principalArn() != null) {
      String user = o.principalArn().substring(o.principalArn().lastIndexOf('/') + 1);
      ask(doc, "cloudtrail_events", unanswered, "cloudtrail:LookupEvents", () -> more.lookupEvents("Username", user, o.since()));
    }
    doc.set("unanswered", Json.mapper().valueToTree(unanswered));
    List<String> shared = shared(doc);
    doc.set("shared_with_other_accounts", Json.mapper().valueToTree(shared));
    Item item = evidence.add(ItemType.METADATA, subject, "sweep-" + region + "-" + stamp + ".json", "aws:" + region + ":sweep", Json.write(doc));
    RegionResult r = new RegionResult(region, item.id(), counts(doc), shared, unanswered);
    print(r);
    return r;
  }

  private ObjectNode header(String region, Options o, String subject) {
    ObjectNode doc = F.objectNode();
    doc.put("region", region);
    doc.put("since", o.since().toString());
    doc.put("subject", subject);
    doc.put("swept_utc", clock.instant().toString());
    return doc;
  }

  /** Asks one question; an endpoint that cannot answer is noted, not hidden. */
  private static void ask(ObjectNode doc, String key, List<String> unanswered, String api, Supplier<JsonNode> call) {
    try {
      doc.set(key, call.get());
    } catch (CustodyException e) {
      unanswered.add(api + ": " + e.getMessage());
      doc.set(key, F.nullNode());
    }
  }

  private static Map<String, Integer> counts(ObjectNode doc) {
    Map<String, Integer> out = new LinkedHashMap<>();
    doc.fields().forEachRemaining(e -> {
      if (e.getValue().isArray() && !e.getKey().equals("unanswered") && !e.getKey().equals("shared_with_other_accounts")) {
        out.put(e.getKey(), e.getValue().size());
      }
    });
    return out;
  }

  /** Snapshots and AMIs that another account (or everyone) may use. */
  private static List<String> shared(ObjectNode doc) {
    List<String> out = new ArrayList<>();
    JsonNode snaps = doc.get("snapshots");
    if (snaps != null && snaps.isArray()) {
      for (JsonNode s : snaps) {
        for (JsonNode p : s.path("CreateVolumePermissions")) {
          out.add(s.path("SnapshotId").asText() + " -> " + (p.has("UserId") ? "account " + p.get("UserId").asText() : "group " + p.path("Group").asText()));
        }
      }
    }
    JsonNode images = doc.get("images");
    if (images != null && images.isArray()) {
      for (JsonNode i : images) {
        for (JsonNode p : i.path("LaunchPermissions")) {
          out.add(i.path("ImageId").asText() + " -> " + (p.has("UserId") ? "account " + p.get("UserId").asText() : "group " + p.path("Group").asText()));
        }
      }
    }
    return out;
  }

  private void print(RegionResult r) {
    log.printf("  %-16s %s %s%s%n", r.region(), r.item(), r.counts(),
        r.unanswered().isEmpty() ? "" : "  unanswered: " + r.unanswered().size());
    r.shared().forEach(s -> log.println("                   SHARED " + s));
  }
}
