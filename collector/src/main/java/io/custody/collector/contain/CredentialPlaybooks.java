package io.custody.collector.contain;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.IamGateway;
import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.ids.AccessKeyId;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code custody contain access-key | role | bucket}: credentials and data. Keys are deactivated,
 * never deleted (they are evidence); users and roles get an inline deny; everything about the
 * principal or bucket is recorded first (and the bucket again after).
 */
public final class CredentialPlaybooks {

  static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"CustodyDenyAll\",\"Effect\":\"Deny\","
      + "\"Action\":\"*\",\"Resource\":\"*\"}]}";
  private static final Pattern ROLE = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final Case kase;
  private final AwsSession aws;
  private final ChangeRecorder rec;
  private final Evidence evidence;
  private final Clock clock;
  private final PrintStream log;
  private final boolean dryRun;

  public CredentialPlaybooks(Case kase, AwsSession aws, boolean dryRun, Clock clock, PrintStream log) {
    this.kase = kase;
    this.aws = aws;
    this.rec = new ChangeRecorder(kase, aws.region(), dryRun, "contained");
    this.evidence = new Evidence(kase);
    this.clock = clock;
    this.log = log;
    this.dryRun = dryRun;
  }

  /** The deny-all policy's name for this case. */
  String policyName() {
    return "custody-deny-all-" + kase.id();
  }

  public PlaybookReport accessKey(AccessKeyId key) {
    IamGateway iam = aws.iam();
    String user = iam.ownerOf(key);
    log.println("custody: containing access key " + key + " of user " + user + " for case " + kase.id() + (dryRun ? " (dry run)" : ""));
    return new Playbook(List.of(
        Playbook.step("find-owner", () -> StepResult.done("find-owner", "key belongs to user " + user, null)),
        Playbook.step("capture-user", () -> capture(ItemType.METADATA, user, "iam-user-" + user + ".json", "aws:iam:GetUser",
            () -> Json.write(iam.userRecord(user)), "capture-user")),
        Playbook.step("deactivate-key", () -> deactivate(iam, user, key), () -> iam.accessKeys(user).stream()
            .filter(k -> k.id().equals(key)).findFirst().map(k -> "Inactive".equals(k.status()) ? null : key + " is " + k.status())
            .orElse(null)),
        Playbook.step("deny-all", () -> denyUser(iam, user), () -> iam.userPolicy(user, policyName()).isPresent() ? null
            : "user " + user + " has no inline policy " + policyName())), rec, List.of(key.value(), user), log).run();
  }

  public PlaybookReport role(String role) {
    if (!ROLE.matcher(role).matches()) {
      throw new InvalidInputException("Failed to parse role name '" + role + "'");
    }
    IamGateway iam = aws.iam();
    log.println("custody: containing role " + role + " for case " + kase.id() + (dryRun ? " (dry run)" : ""));
    return new Playbook(List.of(
        Playbook.step("capture-role", () -> capture(ItemType.METADATA, role, "iam-role-" + role + ".json", "aws:iam:GetRole",
            () -> Json.write(iam.roleRecord(role)), "capture-role")),
        Playbook.step("revoke-sessions", () -> revokeSessions(iam, role), () -> iam.rolePolicy(role, revokePolicy()).isPresent()
            ? null : "role " + role + " has no inline policy " + revokePolicy())), rec, List.of(role), log).run();
  }

  public PlaybookReport bucket(String bucket) {
    if (!BUCKET.matcher(bucket).matches()) {
      throw new InvalidInputException("Failed to parse bucket name '" + bucket + "'");
    }
    log.println("custody: containing bucket " + bucket + " for case " + kase.id() + (dryRun ? " (dry run)" : ""));
    return new Playbook(List.of(
        Playbook.step("capture-before", () -> capture(ItemType.METADATA, bucket, "s3-bucket-before.json", "aws:s3:GetBucketPolicy",
            () -> Json.write(aws.s3().bucketRecord(bucket)), "capture-before")),
        Playbook.step("block-public-access", () -> blockPublicAccess(bucket), () -> aws.s3().publicAccessBlocked(bucket) ? null
            : "bucket " + bucket + " does not block all public access"),
        Playbook.step("capture-after", () -> capture(ItemType.METADATA, bucket, "s3-bucket-after.json", "aws:s3:GetBucketPolicy",
            () -> Json.write(aws.s3().bucketRecord(bucket)), "capture-after"))), rec, List.of(bucket), log).run();
  }

  private StepResult capture(ItemType type, String source, String name, String origin, java.util.function.Supplier<byte[]> read, String step) {
    Optional<Item> done = evidence.existing(type, source, name);
    if (done.isPresent()) {
      return StepResult.done(step, "already captured: " + Evidence.describe(done.get()), null);
    }
    byte[] bytes = read.get();
    if (dryRun) {
      return StepResult.planned(step, "would record " + name + " (" + bytes.length + " bytes)");
    }
    return StepResult.done(step, Evidence.describe(evidence.add(type, source, name, origin, bytes)), null);
  }

  private StepResult deactivate(IamGateway iam, String user, AccessKeyId key) {
    String name = "deactivate-key";
    IamGateway.KeyState state = iam.accessKeys(user).stream().filter(k -> k.id().equals(key)).findFirst()
        .orElseThrow(() -> new InvalidInputException("Failed to find access key '" + key + "' of user '" + user + "'"));
    if ("Inactive".equals(state.status())) {
      return StepResult.done(name, "already inactive", null);
    }
    if (dryRun) {
      return StepResult.planned(name, "would set " + key + " Inactive (never deleted)" + simulate("iam:UpdateAccessKey", "user/" + user));
    }
    var c = rec.change("iam:UpdateAccessKey", key.value(), "set access key " + key + " of " + user + " Inactive (kept as evidence)",
        () -> iam.deactivateKey(user, key, false));
    return StepResult.done(name, key + " is Inactive", c.requestId());
  }

  private StepResult denyUser(IamGateway iam, String user) {
    String name = "deny-all";
    if (iam.userPolicy(user, policyName()).isPresent()) {
      return StepResult.done(name, "inline policy " + policyName() + " already on " + user, null);
    }
    if (dryRun) {
      return StepResult.planned(name, "would put inline deny-all policy " + policyName() + " on " + user + simulate("iam:PutUserPolicy", "user/" + user));
    }
    var c = rec.change("iam:PutUserPolicy", user, "inline deny-all policy " + policyName() + " on user " + user,
        () -> iam.putUserPolicy(user, policyName(), DENY_ALL, false));
    return StepResult.done(name, "deny-all policy " + policyName() + " on " + user, c.requestId());
  }

  private StepResult revokeSessions(IamGateway iam, String role) {
    String name = "revoke-sessions";
    String policy = revokePolicy();
    Optional<String> existing = iam.rolePolicy(role, policy);
    if (existing.isPresent()) {
      return StepResult.done(name, "sessions already revoked by " + policy + ": " + existing.get(), null);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"CustodyRevokeOlderSessions\",\"Effect\":\"Deny\",\"Action\":\"*\","
        + "\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + now + "\"}}}]}";
    if (dryRun) {
      return StepResult.planned(name, "would deny every session of " + role + " issued before " + now + simulate("iam:PutRolePolicy", "role/" + role));
    }
    var c = rec.change("iam:PutRolePolicy", role, "deny all to sessions of role " + role + " issued before " + now,
        () -> iam.putRolePolicy(role, policy, doc, false));
    return StepResult.done(name, "sessions issued before " + now + " denied", c.requestId());
  }

  private String revokePolicy() {
    return "custody-revoke-older-sessions-" + kase.id();
  }

  private StepResult blockPublicAccess(String bucket) {
    String name = "block-public-access";
    if (aws.s3().publicAccessBlocked(bucket)) {
      return StepResult.done(name, "public access already blocked", null);
    }
    if (dryRun) {
      return StepResult.planned(name, "would block all public access to " + bucket);
    }
    var c = rec.change("s3:PutPublicAccessBlock", bucket, "block public ACLs and policies on bucket " + bucket,
        () -> aws.s3().blockPublicAccess(bucket, false));
    return StepResult.done(name, "all four public-access blocks on", c.requestId());
  }

  /** What IAM policy simulation says of the caller doing this, or why it could not say. */
  private String simulate(String action, String resource) {
    try {
      var who = aws.sts().whoAmI();
      String arn = who.arn().contains(":assumed-role/")
          ? who.arn().replace(":sts:", ":iam:").replaceFirst(":assumed-role/([^/]+)/.*", ":role/$1")
          : who.arn();
      String decision = aws.iam().simulate(arn, action, "arn:aws:iam::" + who.account() + ":" + resource);
      return " (policy simulation: " + decision + ")";
    } catch (AwsOperationException e) {
      return " (policy simulation not answered: " + (e.errorCode() == null ? e.getMessage() : e.errorCode()) + ")";
    }
  }
}
