package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.Json;
import io.custody.evidence.ids.AccessKeyId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;

/** {@link IamGateway} over the AWS SDK. Policy documents are URL-decoded and kept as JSON. */
final class SdkIamGateway implements IamGateway {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final IamClient iam;

  SdkIamGateway(IamClient iam) {
    this.iam = iam;
  }

  @Override
  public String ownerOf(AccessKeyId key) {
    try {
      String user = iam.getAccessKeyLastUsed(r -> r.accessKeyId(key.value())).userName();
      if (user != null) {
        return user;
      }
    } catch (NoSuchEntityException e) {
      // fall through to the scan, which gives the clear error
    } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
      if (!"AccessDenied".equals(e.awsErrorDetails().errorCode())) {
        throw Calls.translate("find", "owner of access key '" + key + "'", e);
      }
    }
    // A key of another account, or an endpoint without GetAccessKeyLastUsed: scan this account's users.
    for (User u : Calls.call("list", "users", () -> iam.listUsersPaginator().users())) {
      for (AccessKeyMetadata k : iam.listAccessKeysPaginator(r -> r.userName(u.userName())).accessKeyMetadata()) {
        if (key.value().equals(k.accessKeyId())) {
          return u.userName();
        }
      }
    }
    throw new AwsOperationException("Failed to find access key '" + key + "': no user of this account has it");
  }

  @Override
  public JsonNode userRecord(String user) {
    ObjectNode o = F.objectNode();
    o.set("User", SdkJson.of(Calls.call("get", "user '" + user + "'", () -> iam.getUser(r -> r.userName(user))).user()));
    ArrayNode keys = F.arrayNode();
    for (AccessKeyMetadata k : Calls.call("list", "access keys of '" + user + "'", () -> iam.listAccessKeysPaginator(r -> r.userName(user)).accessKeyMetadata())) {
      ObjectNode kn = (ObjectNode) SdkJson.of(k);
      try {
        kn.set("LastUsed", SdkJson.of(iam.getAccessKeyLastUsed(r -> r.accessKeyId(k.accessKeyId())).accessKeyLastUsed()));
      } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
        kn.put("LastUsedError", e.awsErrorDetails().errorCode());
      }
      keys.add(kn);
    }
    o.set("AccessKeys", keys);
    try {
      o.set("LoginProfile", SdkJson.of(iam.getLoginProfile(r -> r.userName(user)).loginProfile()));
    } catch (NoSuchEntityException e) {
      o.set("LoginProfile", F.nullNode());
    }
    o.set("MFADevices", SdkJson.of(Calls.call("list", "MFA devices of '" + user + "'", () -> iam.listMFADevices(r -> r.userName(user)).mfaDevices())));
    o.set("Groups", SdkJson.of(Calls.call("list", "groups of '" + user + "'", () -> iam.listGroupsForUser(r -> r.userName(user)).groups())));
    o.set("AttachedPolicies", SdkJson.of(Calls.call("list", "attached policies of '" + user + "'", () ->
        iam.listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies())));
    ObjectNode inline = F.objectNode();
    for (String name : Calls.call("list", "inline policies of '" + user + "'", () -> iam.listUserPolicies(r -> r.userName(user)).policyNames())) {
      inline.set(name, document(iam.getUserPolicy(r -> r.userName(user).policyName(name)).policyDocument()));
    }
    o.set("InlinePolicies", inline);
    return o;
  }

  @Override
  public List<KeyState> accessKeys(String user) {
    return Calls.call("list", "access keys of '" + user + "'", () -> iam.listAccessKeys(r -> r.userName(user))).accessKeyMetadata().stream()
        .map(k -> new KeyState(new AccessKeyId(k.accessKeyId()), k.statusAsString(), k.createDate())).toList();
  }

  @Override
  public Change deactivateKey(String user, AccessKeyId key, boolean dryRun) {
    if (dryRun) {
      return new Change("iam:UpdateAccessKey", key.value(), null, true);
    }
    var resp = Calls.call("deactivate", "access key '" + key + "' of '" + user + "'", () ->
        iam.updateAccessKey(r -> r.userName(user).accessKeyId(key.value()).status(StatusType.INACTIVE)));
    return new Change("iam:UpdateAccessKey", key.value(), resp.responseMetadata().requestId(), false);
  }

  @Override
  public Optional<String> userPolicy(String user, String policyName) {
    try {
      return Optional.of(decode(iam.getUserPolicy(r -> r.userName(user).policyName(policyName)).policyDocument()));
    } catch (NoSuchEntityException e) {
      return Optional.empty();
    }
  }

  @Override
  public Change putUserPolicy(String user, String policyName, String document, boolean dryRun) {
    if (dryRun) {
      return new Change("iam:PutUserPolicy", user, null, true);
    }
    var resp = Calls.call("attach", "policy '" + policyName + "' to user '" + user + "'", () ->
        iam.putUserPolicy(r -> r.userName(user).policyName(policyName).policyDocument(document)));
    return new Change("iam:PutUserPolicy", user, resp.responseMetadata().requestId(), false);
  }

  @Override
  public JsonNode instanceProfile(String name) {
    return SdkJson.of(Calls.call("get", "instance profile '" + name + "'", () -> iam.getInstanceProfile(r -> r.instanceProfileName(name))).instanceProfile());
  }

  @Override
  public JsonNode roleRecord(String role) {
    ObjectNode o = F.objectNode();
    var r = Calls.call("get", "role '" + role + "'", () -> iam.getRole(x -> x.roleName(role))).role();
    ObjectNode rn = (ObjectNode) SdkJson.of(r);
    rn.set("AssumeRolePolicyDocument", document(r.assumeRolePolicyDocument()));
    o.set("Role", rn);
    o.set("AttachedPolicies", SdkJson.of(Calls.call("list", "attached policies of role '" + role + "'", () ->
        iam.listAttachedRolePolicies(x -> x.roleName(role)).attachedPolicies())));
    ObjectNode inline = F.objectNode();
    for (String name : Calls.call("list", "inline policies of role '" + role + "'", () -> iam.listRolePolicies(x -> x.roleName(role)).policyNames())) {
      inline.set(name, document(iam.getRolePolicy(x -> x.roleName(role).policyName(name)).policyDocument()));
    }
    o.set("InlinePolicies", inline);
    return o;
  }

  @Override
  public Optional<String> rolePolicy(String role, String policyName) {
    try {
      return Optional.of(decode(iam.getRolePolicy(r -> r.roleName(role).policyName(policyName)).policyDocument()));
    } catch (NoSuchEntityException e) {
      return Optional.empty();
    }
  }

  @Override
  public Change putRolePolicy(String role, String policyName, String document, boolean dryRun) {
    if (dryRun) {
      return new Change("iam:PutRolePolicy", role, null, true);
    }
    var resp = Calls.call("attach", "policy '" + policyName + "' to role '" + role + "'", () ->
        iam.putRolePolicy(r -> r.roleName(role).policyName(policyName).policyDocument(document)));
    return new Change("iam:PutRolePolicy", role, resp.responseMetadata().requestId(), false);
  }

  @Override
  public String simulate(String principalArn, String action, String resourceArn) {
    var resp = Calls.call("simulate", action + " for " + principalArn, () -> iam.simulatePrincipalPolicy(r -> r.policySourceArn(principalArn)
        .actionNames(action).resourceArns(resourceArn)));
    return resp.evaluationResults().stream().map(e -> e.evalDecisionAsString()).findFirst()
        .orElseThrow(() -> new AwsOperationException("Failed to simulate " + action + ": no evaluation result"));
  }

  @Override
  public JsonNode usersCreatedSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "users", () -> iam.listUsersPaginator().users()).stream()
        .filter(u -> !u.createDate().isBefore(since)).forEach(u -> out.add(SdkJson.of(u)));
    return out;
  }

  @Override
  public JsonNode accessKeysCreatedSince(Instant since) {
    ArrayNode out = F.arrayNode();
    for (User u : Calls.call("list", "users", () -> iam.listUsersPaginator().users())) {
      for (AccessKeyMetadata k : iam.listAccessKeysPaginator(r -> r.userName(u.userName())).accessKeyMetadata()) {
        if (k.createDate() != null && !k.createDate().isBefore(since)) {
          out.add(SdkJson.of(k));
        }
      }
    }
    return out;
  }

  @Override
  public JsonNode rolesCreatedSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "roles", () -> iam.listRolesPaginator().roles()).stream()
        .filter(r -> !r.createDate().isBefore(since)).forEach(r -> out.add(SdkJson.of(r)));
    return out;
  }

  @Override
  public JsonNode policiesCreatedSince(Instant since) {
    ArrayNode out = F.arrayNode();
    Calls.call("list", "policies", () -> iam.listPoliciesPaginator(r -> r.scope("Local")).policies()).stream()
        .filter(p -> !p.createDate().isBefore(since)).forEach(p -> out.add(SdkJson.of(p)));
    return out;
  }

  /** IAM returns policy documents URL-encoded. */
  static String decode(String doc) {
    if (doc == null) {
      return null;
    }
    return doc.startsWith("%") ? URLDecoder.decode(doc, StandardCharsets.UTF_8) : doc;
  }

  private static JsonNode document(String doc) {
    String text = decode(doc);
    if (text == null) {
      return F.nullNode();
    }
    try {
      return Json.mapper().readTree(text);
    } catch (java.io.IOException e) {
      return F.textNode(text);
    }
  }
}
