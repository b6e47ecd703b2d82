package io.custody.analyzer.cloudtrail;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.MEDIUM;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The built-in single-event findings: the backdoors and evasions of the IR procedure (new keys,
 * users, login profiles, roles and trust policies, admin policy attachments, shared snapshots and
 * images, Lambda backdoors, CloudTrail / GuardDuty / flow-log / DNS-log tampering, leaving the
 * organisation, console logins without MFA) and the credential-access and remote-execution calls of
 * the same playbooks. Denied attempts are flagged too: the reason says so.
 */
final class BuiltinRules {

  /**
   * One rule: the calls it is about, which of their events it flags, how severe, and the reason in
   * words. {@code when}, {@code severity} and {@code reason} run only on events of the calls {@code
   * on} names (so only those need their details: request, response, error message), and {@code
   * when} tests only what {@code on} does not say.
   */
  record EventRule(String id, String title, Calls on, Predicate<Rec> when, Function<Rec, Severity> severity, Function<Rec, String> reason) {

    /** True when the rule flags the event. */
    boolean flags(Rec e) {
      return on.test(e.source, e.name) && when.test(e);
    }
  }

  private static final String IAM = "iam.amazonaws.com";
  private static final String EC2 = "ec2.amazonaws.com";
  private static final String LAMBDA = "lambda.amazonaws.com";
  private static final String SSM = "ssm.amazonaws.com";

  private static final Set<String> ADMIN_POLICIES = Set.of("AdministratorAccess", "IAMFullAccess", "PowerUserAccess");

  /** For a rule that flags every event of its calls. */
  private static final Predicate<Rec> ALWAYS = e -> true;

  static final List<EventRule> RULES = rules();

  /** The calls some rule is about: the only events the rules read the details of. */
  static final Calls ON = Calls.union(RULES.stream().map(EventRule::on).toList());

  private BuiltinRules() {}

  private static List<EventRule> rules() {
    List<EventRule> r = new ArrayList<>();
    r.add(rule("iam-access-key-created", "New IAM access key",
        Calls.of(IAM, "CreateAccessKey"), ALWAYS,
        e -> otherUser(e) ? CRITICAL : HIGH,
        e -> "access key created for user " + or(e.at("requestParameters.userName"), "(caller)") + (otherUser(e) ? ", not the caller's own" : "")));
    r.add(rule("iam-user-created", "New IAM user",
        Calls.of(IAM, "CreateUser"), ALWAYS, e -> HIGH,
        e -> "IAM user " + e.at("requestParameters.userName") + " created"));
    r.add(rule("iam-login-profile", "Console password set for an IAM user",
        Calls.of(IAM, "CreateLoginProfile", "UpdateLoginProfile"),
        ALWAYS, e -> HIGH,
        e -> e.name + " for user " + or(e.at("requestParameters.userName"), "(caller)")));
    r.add(rule("iam-role-created", "New IAM role",
        Calls.of(IAM, "CreateRole"), ALWAYS, e -> MEDIUM,
        e -> "role " + e.at("requestParameters.roleName") + " created, trust: " + clip(e.at("requestParameters.assumeRolePolicyDocument"))));
    r.add(rule("iam-trust-policy-changed", "Role trust policy changed",
        Calls.of(IAM, "UpdateAssumeRolePolicy"), ALWAYS, e -> HIGH,
        e -> "trust policy of role " + e.at("requestParameters.roleName") + " replaced: " + clip(e.at("requestParameters.policyDocument"))));
    r.add(rule("iam-policy-attached", "IAM policy attached or granted",
        Calls.of(IAM, "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy", "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "CreatePolicyVersion"),
        ALWAYS,
        e -> admin(e) ? CRITICAL : MEDIUM,
        e -> e.name + " " + or(e.at("requestParameters.policyArn"), or(e.at("requestParameters.policyName"), "")) + " on "
            + or(e.at("requestParameters.userName"), or(e.at("requestParameters.roleName"), or(e.at("requestParameters.groupName"), "?")))
            + (admin(e) ? " (administrator rights)" : "")));
    r.add(rule("snapshot-shared", "Snapshot or image shared with another account",
        Calls.of(EC2, "ModifySnapshotAttribute", "ModifyImageAttribute").or(Calls.of("rds.amazonaws.com", "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute")), BuiltinRules::shares, e -> CRITICAL,
        e -> e.name + " adds " + sharedWith(e) + " to " + or(e.at("requestParameters.snapshotId"),
            or(e.at("requestParameters.imageId"), or(e.at("requestParameters.dBSnapshotIdentifier"), or(e.at("requestParameters.dBClusterSnapshotIdentifier"), "?"))))));
    r.add(rule("lambda-public-permission", "Lambda function opened to any principal",
        Calls.prefixed(LAMBDA, "AddPermission"),
        e -> "*".equals(e.at("requestParameters.principal")),
        e -> CRITICAL, e -> "AddPermission principal * on " + e.at("requestParameters.functionName") + " (" + e.at("requestParameters.action") + ")"));
    r.add(rule("lambda-code-changed", "Lambda function code replaced",
        Calls.prefixed(LAMBDA, "UpdateFunctionCode"),
        ALWAYS, e -> HIGH,
        e -> "code of " + or(e.at("requestParameters.functionName"), "?") + " replaced"));
    r.add(rule("lambda-layer-changed", "Lambda layer attached or published",
        Calls.prefixed(LAMBDA, "UpdateFunctionConfiguration", "PublishLayerVersion"),
        e -> e.name.startsWith("PublishLayerVersion") || nonEmpty(e.nodeAt("requestParameters.layers")), e -> HIGH,
        e -> e.name + " " + or(e.at("requestParameters.functionName"), or(e.at("requestParameters.layerName"), "?")) + " layers " + clip(e.at("requestParameters.layers"))));
    r.add(rule("cloudtrail-tampering", "CloudTrail logging stopped, deleted or narrowed",
        Calls.of("cloudtrail.amazonaws.com", "StopLogging", "DeleteTrail", "PutEventSelectors", "UpdateTrail", "PutInsightSelectors"),
        ALWAYS,
        e -> CRITICAL, e -> e.name + " on trail " + or(e.at("requestParameters.name"), or(e.at("requestParameters.trailName"), "?"))));
    r.add(rule("guardduty-disabled", "GuardDuty detector deleted, disabled or detached",
        Calls.of("guardduty.amazonaws.com", "DeleteDetector", "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount", "DeleteMembers", "StopMonitoringMembers", "DeletePublishingDestination", "UpdateDetector"),
        e -> !e.name.equals("UpdateDetector") || "false".equalsIgnoreCase(e.at("requestParameters.enable")),
        e -> CRITICAL, e -> e.name + " detector " + or(e.at("requestParameters.detectorId"), "?")));
    r.add(rule("logging-removed", "VPC flow logs or DNS query logs removed",
        Calls.of(EC2, "DeleteFlowLogs").or(Calls.of("route53resolver.amazonaws.com", "DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig")).or(Calls.of("route53.amazonaws.com", "DeleteQueryLoggingConfig")),
        ALWAYS,
        e -> HIGH, e -> e.name + " " + clip(e.at("requestParameters"))));
    r.add(rule("organization-left", "Account left its AWS Organization",
        Calls.of("organizations.amazonaws.com", "LeaveOrganization"), ALWAYS,
        e -> CRITICAL, e -> "LeaveOrganization: the account's organization guardrails no longer apply"));
    r.add(rule("console-login-without-mfa", "Console login without MFA",
        Calls.of(Calls.ANY_SOURCE, "ConsoleLogin"),
        e -> "Success".equalsIgnoreCase(e.at("responseElements.ConsoleLogin"))
            && "No".equalsIgnoreCase(e.at("additionalEventData.MFAUsed")),
        e -> MEDIUM, e -> "console login without MFA from " + e.ip));
    r.add(rule("secrets-retrieved", "Secrets, parameters or instance passwords read",
        Calls.of("secretsmanager.amazonaws.com", "GetSecretValue", "BatchGetSecretValue").or(Calls.of(SSM, "GetParameter", "GetParameters", "GetParametersByPath")).or(Calls.of(EC2, "GetPasswordData")),
        e -> !e.source.equals(SSM) || "true".equalsIgnoreCase(e.at("requestParameters.withDecryption")),
        e -> HIGH, e -> e.name + " " + clip(or(e.at("requestParameters.secretId"), or(e.at("requestParameters.names"),
            or(e.at("requestParameters.instanceId"), or(e.at("requestParameters.filters"), "")))))));
    r.add(rule("remote-execution", "Commands or shells on instances (SSM, EC2 Instance Connect, serial console)",
        Calls.of(SSM, "SendCommand", "StartSession").or(Calls.of("ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", "SendSerialConsoleSSHPublicKey")).or(Calls.of(EC2, "EnableSerialConsoleAccess")),
        ALWAYS,
        e -> HIGH, e -> e.name + " " + clip(or(e.at("requestParameters.instanceIds"), or(e.at("requestParameters.target"),
            or(e.at("requestParameters.instanceId"), "")))) + (e.at("requestParameters.instanceOSUser") == null ? "" : " as " + e.at("requestParameters.instanceOSUser"))));
    r.add(rule("instance-user-data", "Instance user data read or replaced",
        Calls.of(EC2, "DescribeInstanceAttribute", "ModifyInstanceAttribute"),
        e -> "userData".equals(e.at("requestParameters.attribute"))
            || (e.name.equals("ModifyInstanceAttribute") && e.nodeAt("requestParameters.userData") != null),
        e -> e.name.startsWith("Modify") ? HIGH : MEDIUM, e -> e.name + " userData of " + e.at("requestParameters.instanceId")));
    r.add(rule("bedrock-model-access", "Bedrock models enabled or invoked",
        Calls.of("bedrock.amazonaws.com", "InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream", "PutFoundationModelEntitlement", "PutUseCaseForModelAccess", "CreateFoundationModelAgreement"),
        ALWAYS,
        e -> HIGH, e -> e.name + " " + or(e.at("requestParameters.modelId"), "")));
    r.add(rule("rolesanywhere-trust", "IAM Roles Anywhere trust anchor or profile created",
        Calls.of("rolesanywhere.amazonaws.com", "CreateTrustAnchor", "UpdateTrustAnchor", "CreateProfile", "UpdateProfile"),
        ALWAYS,
        e -> HIGH, e -> e.name + " " + or(e.at("requestParameters.name"), "")));
    r.add(rule("federation-token", "Federation token issued (survives key deactivation)",
        Calls.of("sts.amazonaws.com", "GetFederationToken"), ALWAYS,
        e -> MEDIUM, e -> "GetFederationToken name " + e.at("requestParameters.name")));
    r.add(rule("security-group-open-to-world", "Security group opened to the whole internet",
        Calls.prefixed(EC2, "AuthorizeSecurityGroup"),
        e -> world(e.nodeAt("requestParameters")),
        e -> HIGH, e -> e.name + " " + e.at("requestParameters.groupId") + " " + or(e.at("requestParameters.ipProtocol"), "") + " "
            + or(e.at("requestParameters.fromPort"), "") + "-" + or(e.at("requestParameters.toPort"), "") + " from " + or(e.at("requestParameters.cidrIp"), "a /0 range")));
    return List.copyOf(r);
  }

  private static EventRule rule(String id, String title, Calls on, Predicate<Rec> when, Function<Rec, Severity> severity, Function<Rec, String> reason) {
    return new EventRule(id, title, on, when, severity, e -> reason.apply(e) + (e.succeeded() ? "" : " [attempt failed: " + e.error + "]"));
  }

  private static boolean otherUser(Rec e) {
    String target = e.at("requestParameters.userName");
    String caller = e.at("userIdentity.userName");
    return target != null && !target.equals(caller);
  }

  private static boolean admin(Rec e) {
    String arn = e.at("requestParameters.policyArn");
    if (arn != null && ADMIN_POLICIES.contains(arn.substring(arn.lastIndexOf('/') + 1))) {
      return true;
    }
    String doc = e.at("requestParameters.policyDocument");
    return doc != null && doc.replace(" ", "").matches("(?s).*\"Action\":(\\[)?\"\\*\".*\"Resource\":(\\[)?\"\\*\".*");
  }

  /** For the calls of snapshot-shared: whether the call adds an account or group to those allowed. */
  private static boolean shares(Rec e) {
    return switch (e.name) {
      case "ModifySnapshotAttribute" -> nonEmpty(e.nodeAt("requestParameters.createVolumePermission.add"));
      case "ModifyImageAttribute" -> nonEmpty(e.nodeAt("requestParameters.launchPermission.add"));
      default -> "restore".equals(e.at("requestParameters.attributeName")) && nonEmpty(e.nodeAt("requestParameters.valuesToAdd")); // the RDS calls
    };
  }

  private static String sharedWith(Rec e) {
    List<String> who = new ArrayList<>();
    collect(e.nodeAt("requestParameters.createVolumePermission.add"), who);
    collect(e.nodeAt("requestParameters.launchPermission.add"), who);
    collect(e.nodeAt("requestParameters.valuesToAdd"), who);
    return who.isEmpty() ? "?" : String.join(", ", who);
  }

  private static void collect(JsonNode n, List<String> out) {
    if (n == null || out.size() > 20) {
      return;
    }
    if (n.isValueNode()) {
      out.add(n.asText());
    } else if (n.isObject() && (n.has("userId") || n.has("group"))) {
      out.add(n.has("userId") ? "account " + n.get("userId").asText() : "group " + n.get("group").asText());
    } else {
      n.forEach(c -> collect(c, out));
    }
  }

  private static boolean world(JsonNode n) {
    if (n == null) {
      return false;
    }
    if (n.isTextual()) {
      String s = n.asText().trim();
      return s.endsWith("/0") && (s.contains(".") || s.contains(":"));
    }
    for (JsonNode c : n) {
      if (world(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean nonEmpty(JsonNode n) {
    return n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty()) && !(n.isTextual() && n.asText().isEmpty());
  }

  static String or(String a, String b) {
    return a == null || a.isEmpty() ? b : a;
  }

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    String flat = s.replaceAll("\\s+", " ");
    return flat.length() > 160 ? flat.substring(0, 157) + "..." : flat;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
