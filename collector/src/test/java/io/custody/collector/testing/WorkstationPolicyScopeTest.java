package io.custody.collector.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.collector.testing.WorkstationPolicy.Permission;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.ssm.model.GetDocumentRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;

/**
 * What docs/iam/workstation-policy.json grants for memory capture, and that the evaluator the
 * emulator tests rely on refuses what the policy does not grant.
 */
class WorkstationPolicyScopeTest {

  static final WorkstationPolicy POLICY = WorkstationPolicy.documented("forensics");

  static AwsCallLog.Call call(String service, String operation, SdkRequest request) {
    return new AwsCallLog.Call("AKIAEXAMPLE", "eu-west-1", service, operation, request);
  }

  static List<Permission> needed(String service, String operation, SdkRequest request) {
    return WorkstationPolicy.needed(call(service, operation, request));
  }

  @Test
  void sendCommand_captureDocumentToAnInstance_granted() {
    List<Permission> p = needed("ssm", "SendCommand", SendCommandRequest.builder().documentName("Custody-LiMECapture")
        .instanceIds("i-0abc1234567890def").parameters(Map.of()).build());
    assertThat(p).containsExactly(new Permission("ssm:SendCommand", "arn:aws:ssm:eu-west-1:123456789012:document/Custody-LiMECapture"),
        new Permission("ssm:SendCommand", "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234567890def"));
    assertThat(POLICY.notGranted(p)).isEmpty();
  }

  @Test
  void sendCommand_anyOtherDocument_notGranted() {
    List<Permission> p = needed("ssm", "SendCommand", SendCommandRequest.builder().documentName("AWS-RunShellScript")
        .instanceIds("i-0abc1234567890def").build());
    assertThat(POLICY.notGranted(p)).containsExactly(new Permission("ssm:SendCommand", "arn:aws:ssm:eu-west-1:123456789012:document/AWS-RunShellScript"));
  }

  @Test
  void getDocument_policyWithoutIt_notGranted() {
    List<Permission> p = needed("ssm", "GetDocument", GetDocumentRequest.builder().name("Custody-LiMECapture").build());
    assertThat(POLICY.notGranted(p)).isEmpty();
    assertThat(POLICY.without("ssm:GetDocument").notGranted(p)).hasSize(1);
  }

  @Test
  void putObject_onlyUnderTheCaptureAndModulePrefixesOfTheCaptureBucket() {
    assertThat(POLICY.notGranted(needed("s3", "PutObject", PutObjectRequest.builder().bucket("forensics").key("custody/IR-1/memory/i-0abc/x/plan.txt").build())))
        .isEmpty();
    assertThat(POLICY.notGranted(needed("s3", "PutObject", PutObjectRequest.builder().bucket("forensics").key("lime/6.1.0-26-amd64/lime.ko").build())))
        .isEmpty();
    assertThat(POLICY.notGranted(needed("s3", "PutObject", PutObjectRequest.builder().bucket("forensics").key("elsewhere/x").build()))).hasSize(1);
    assertThat(POLICY.notGranted(needed("s3", "PutObject", PutObjectRequest.builder().bucket("victim-bucket").key("custody/x").build()))).hasSize(1);
  }

  @Test
  void presignedPartUrl_needsPutObjectOnTheObject() {
    Permission p = WorkstationPolicy.neededByPresigned("PUT",
        URI.create("http://127.0.0.1:5000/forensics/custody/IR-1/memory/i-0abc/20260101T000000Z/memory.lime?uploadId=x&partNumber=1&X-Amz-Signature=y"));
    assertThat(p).isEqualTo(new Permission("s3:PutObject", "arn:aws:s3:::forensics/custody/IR-1/memory/i-0abc/20260101T000000Z/memory.lime"));
    assertThat(POLICY.allows(p)).isTrue();
    assertThat(POLICY.without("s3:PutObject").allows(p)).isFalse();
  }
}
