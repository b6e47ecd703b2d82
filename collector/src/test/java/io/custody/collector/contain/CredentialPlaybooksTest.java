package io.custody.collector.contain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.CliRun;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.Json;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.ItemType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/** access-key, role and bucket playbooks, judged by IAM's and S3's own answers afterwards. */
@ExtendWith(MotoServer.class)
class CredentialPlaybooksTest {

  @TempDir Path home;
  IamClient iam;
  S3Client s3;

  @BeforeEach
  void open() {
    iam = SeedScenario.client(IamClient.builder(), MotoServer.endpoint(), "us-east-1");
    s3 = SeedScenario.client(S3Client.builder().forcePathStyle(true), MotoServer.endpoint(), "us-east-1");
    assertThat(CliRun.run("case", "open", "--case", "IR-9", "--examiner", "Jane", "--home", home.toString()).exit()).isZero();
  }

  @AfterEach
  void close() {
    iam.close();
    s3.close();
  }

  private Case kase() {
    return CaseStore.at(home, Clock.systemUTC()).load("IR-9");
  }

  @Test
  void accessKey_deactivatedNeverDeleted_userDeniedAndRecorded() throws Exception {
    iam.createUser(r -> r.userName("deploy"));
    String leaked = iam.createAccessKey(r -> r.userName("deploy")).accessKey().accessKeyId();
    String other = iam.createAccessKey(r -> r.userName("deploy")).accessKey().accessKeyId();
    iam.createLoginProfile(r -> r.userName("deploy").password("Secret-123456"));
    iam.createGroup(r -> r.groupName("devs"));
    iam.addUserToGroup(r -> r.groupName("devs").userName("deploy"));
    iam.attachUserPolicy(r -> r.userName("deploy").policyArn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    iam.putUserPolicy(r -> r.userName("deploy").policyName("extra").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));

    CliRun r = CliRun.aws(home, "contain", "access-key", leaked, "--case", "IR-9", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();

    var keys = iam.listAccessKeys(x -> x.userName("deploy")).accessKeyMetadata();
    assertThat(keys).hasSize(2);
    assertThat(keys).filteredOn(k -> k.accessKeyId().equals(leaked)).singleElement().satisfies(k -> assertThat(k.statusAsString()).isEqualTo("Inactive"));
    assertThat(keys).filteredOn(k -> k.accessKeyId().equals(other)).singleElement().satisfies(k -> assertThat(k.statusAsString()).isEqualTo("Active"));
    String doc = URLDecoder.decode(iam.getUserPolicy(x -> x.userName("deploy").policyName("custody-deny-all-IR-9")).policyDocument(), StandardCharsets.UTF_8);
    JsonNode st = Json.mapper().readTree(doc).get("Statement").get(0);
    assertThat(st.get("Effect").asText()).isEqualTo("Deny");
    assertThat(st.get("Action").asText()).isEqualTo("*");

    Case kase = kase();
    JsonNode record = Json.mapper().readTree(kase.readSmallItem(kase.findItem(ItemType.METADATA, "deploy", "iam-user-deploy.json").orElseThrow(), 1 << 20));
    assertThat(record.get("AccessKeys")).hasSize(2);
    assertThat(record.get("LoginProfile").isNull()).isFalse();
    assertThat(record.get("Groups").toString()).contains("devs");
    assertThat(record.get("AttachedPolicies").toString()).contains("ReadOnlyAccess");
    assertThat(record.get("InlinePolicies").get("extra").get("Statement").get(0).get("Action").asText()).isEqualTo("s3:*");
    assertThat(kase.log().verify().entries()).filteredOn(e -> e.event().equals("contained") && e.refersTo() != null)
        .extracting(e -> e.aws().api()).containsExactly("iam:UpdateAccessKey", "iam:PutUserPolicy");

    // Idempotent: a rerun finds everything done.
    CliRun again = CliRun.aws(home, "contain", "access-key", leaked, "--case", "IR-9", "--json");
    assertThat(Json.mapper().readTree(again.out()).get("steps")).allSatisfy(s -> assertThat(s.get("status").asText()).isEqualTo("done"));
  }

  @Test
  void accessKey_dryRun_changesNothing_andSaysWhatSimulationAnswered() throws Exception {
    iam.createUser(r -> r.userName("deploy"));
    String leaked = iam.createAccessKey(r -> r.userName("deploy")).accessKey().accessKeyId();
    CliRun r = CliRun.aws(home, "contain", "access-key", leaked, "--case", "IR-9", "--dry-run", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(iam.listAccessKeys(x -> x.userName("deploy")).accessKeyMetadata().get(0).statusAsString()).isEqualTo("Active");
    assertThat(iam.listUserPolicies(x -> x.userName("deploy")).policyNames()).isEmpty();
    JsonNode steps = Json.mapper().readTree(r.out()).get("steps");
    assertThat(steps.get(2).get("status").asText()).isEqualTo("planned");
    assertThat(steps.get(2).get("detail").asText()).contains("policy simulation");
  }

  @Test
  void accessKey_unknown_clearError() {
    CliRun r = CliRun.aws(home, "contain", "access-key", "AKIAIOSFODNN7EXAMPLE", "--case", "IR-9");
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("AKIAIOSFODNN7EXAMPLE");
    CliRun bad = CliRun.aws(home, "contain", "access-key", "not-a-key", "--case", "IR-9");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("Failed to parse access key id 'not-a-key'");
  }

  @Test
  void role_olderSessionsDenied_trustRecorded() throws Exception {
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999999999999:root\"},"
        + "\"Action\":\"sts:AssumeRole\"}]}";
    iam.createRole(r -> r.roleName("ops").assumeRolePolicyDocument(trust));
    iam.attachRolePolicy(r -> r.roleName("ops").policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
    CliRun r = CliRun.aws(home, "contain", "role", "ops", "--case", "IR-9", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    String doc = URLDecoder.decode(iam.getRolePolicy(x -> x.roleName("ops").policyName("custody-revoke-older-sessions-IR-9")).policyDocument(),
        StandardCharsets.UTF_8);
    JsonNode st = Json.mapper().readTree(doc).get("Statement").get(0);
    assertThat(st.get("Effect").asText()).isEqualTo("Deny");
    assertThat(st.get("Condition").get("DateLessThan").get("aws:TokenIssueTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    Case kase = kase();
    JsonNode record = Json.mapper().readTree(kase.readSmallItem(kase.findItem(ItemType.METADATA, "ops", "iam-role-ops.json").orElseThrow(), 1 << 20));
    assertThat(record.get("Role").get("AssumeRolePolicyDocument").toString()).contains("999999999999");
    assertThat(record.get("AttachedPolicies").toString()).contains("AdministratorAccess");
  }

  @Test
  void bucket_publicAccessBlocked_recordedBeforeAndAfter() throws Exception {
    s3.createBucket(r -> r.bucket("leaky-data"));
    s3.putBucketPolicy(r -> r.bucket("leaky-data").policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::leaky-data/*\"}]}"));
    CliRun r = CliRun.aws(home, "contain", "bucket", "leaky-data", "--case", "IR-9", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    var pab = s3.getPublicAccessBlock(x -> x.bucket("leaky-data")).publicAccessBlockConfiguration();
    assertThat(pab.blockPublicAcls()).isTrue();
    assertThat(pab.ignorePublicAcls()).isTrue();
    assertThat(pab.blockPublicPolicy()).isTrue();
    assertThat(pab.restrictPublicBuckets()).isTrue();
    Case kase = kase();
    JsonNode before = Json.mapper().readTree(kase.readSmallItem(kase.findItem(ItemType.METADATA, "leaky-data", "s3-bucket-before.json").orElseThrow(), 1 << 20));
    JsonNode after = Json.mapper().readTree(kase.readSmallItem(kase.findItem(ItemType.METADATA, "leaky-data", "s3-bucket-after.json").orElseThrow(), 1 << 20));
    assertThat(before.get("Policy").toString()).contains("s3:GetObject");
    assertThat(before.get("PublicAccessBlock").isNull()).isTrue();
    assertThat(after.get("PublicAccessBlock").get("BlockPublicPolicy").asBoolean()).isTrue();
    CliRun missing = CliRun.aws(home, "contain", "bucket", "no-such-bucket-here", "--case", "IR-9");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("no-such-bucket-here");
  }
}
