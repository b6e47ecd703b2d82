package io.custody.collector.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.ids.AccessKeyId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * IAM (global). IAM has no DryRun: with {@code dryRun} nothing is called; {@link #simulate} asks IAM
 * policy simulation whether the caller may.
 */
public interface IamGateway {

  /** The user owning the key. */
  String ownerOf(AccessKeyId key);

  /** Everything about a user that is evidence: keys (with last use), login profile, MFA, groups, policies. */
  JsonNode userRecord(String user);

  /** The user's access keys and their status. */
  List<KeyState> accessKeys(String user);

  Change deactivateKey(String user, AccessKeyId key, boolean dryRun);

  Optional<String> userPolicy(String user, String policyName);

  Change putUserPolicy(String user, String policyName, String document, boolean dryRun);

  /** An instance profile with its roles (and their trust policies). */
  JsonNode instanceProfile(String name);

  /** The role's trust policy, attached and inline policies. */
  JsonNode roleRecord(String role);

  Optional<String> rolePolicy(String role, String policyName);

  Change putRolePolicy(String role, String policyName, String document, boolean dryRun);

  /** IAM policy simulation for the principal: "allowed", "explicitDeny" or "implicitDeny". */
  String simulate(String principalArn, String action, String resourceArn);

  /** Sweep reads (IAM is global). */
  JsonNode usersCreatedSince(Instant since);

  JsonNode accessKeysCreatedSince(Instant since);

  JsonNode rolesCreatedSince(Instant since);

  JsonNode policiesCreatedSince(Instant since);

  /** An access key and whether it is active. */
  record KeyState(AccessKeyId id, String status, Instant created) {}
}
