package io.custody.analyzer.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built-in findings the Stratus corpus has no detonation for, each with a clean look-alike. */
class BuiltinRulesTest {

  @TempDir
  Path dir;

  private static String rec(String id, String source, String name, String region, String extra) {
    return "{\"eventID\":\"" + id + "\",\"eventSource\":\"" + source + "\",\"eventName\":\"" + name + "\",\"awsRegion\":\"" + region
        + "\",\"eventTime\":\"2024-05-01T10:00:00Z\",\"sourceIPAddress\":\"198.51.100.7\","
        + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/mallory\",\"userName\":\"mallory\",\"accessKeyId\":\"AKIAEXAMPLE\"}"
        + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  @Test
  void builtins_flagTheBad_notTheLookAlikes() throws Exception {
    List<String> records = new ArrayList<>();
    records.add(rec("gd-delete", "guardduty.amazonaws.com", "DeleteDetector", "eu-west-1", "\"requestParameters\":{\"detectorId\":\"d1\"}"));
    records.add(rec("gd-disable", "guardduty.amazonaws.com", "UpdateDetector", "eu-west-1", "\"requestParameters\":{\"detectorId\":\"d1\",\"enable\":false}"));
    records.add(rec("gd-enable", "guardduty.amazonaws.com", "UpdateDetector", "eu-west-1", "\"requestParameters\":{\"detectorId\":\"d1\",\"enable\":true}"));
    records.add(rec("own-key", "iam.amazonaws.com", "CreateAccessKey", "eu-west-1", "\"requestParameters\":{\"userName\":\"mallory\"}"));
    records.add(rec("perm-acct", "lambda.amazonaws.com", "AddPermission20150331v2", "eu-west-1",
        "\"requestParameters\":{\"functionName\":\"f\",\"principal\":\"123456789012\",\"action\":\"lambda:InvokeFunction\"}"));
    records.add(rec("snap-private", "ec2.amazonaws.com", "ModifySnapshotAttribute", "eu-west-1",
        "\"requestParameters\":{\"snapshotId\":\"snap-1\",\"createVolumePermission\":{\"remove\":{\"items\":[{\"userId\":\"999\"}]}}}"));
    records.add(rec("sg-narrow", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "eu-west-1",
        "\"requestParameters\":{\"groupId\":\"sg-1\",\"ipPermissions\":{\"items\":[{\"ipRanges\":{\"items\":[{\"cidrIp\":\"10.0.0.0/16\"}]}}]}}"));
    records.add(rec("sg-world", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "eu-west-1",
        "\"requestParameters\":{\"groupId\":\"sg-1\",\"ipPermissions\":{\"items\":[{\"ipv6Ranges\":{\"items\":[{\"cidrIpv6\":\"::/0\"}]}}]}}"));
    for (int i = 0; i < 40; i++) {
      records.add(rec("noise-" + i, "s3.amazonaws.com", "ListBuckets", "eu-west-1", ""));
    }
    records.add(rec("make-bucket", "s3.amazonaws.com", "CreateBucket", "eu-west-1", "\"requestParameters\":{\"bucketName\":\"exfil-bucket\"}"));
    records.add(rec("run-far", "ec2.amazonaws.com", "RunInstances", "ap-southeast-3", "\"requestParameters\":{\"instanceType\":\"t3.micro\"}"));
    records.add(rec("run-home", "ec2.amazonaws.com", "RunInstances", "eu-west-1", "\"requestParameters\":{\"instanceType\":\"t3.micro\"}"));
    records.add(rec("login-mfa", "signin.amazonaws.com", "ConsoleLogin", "eu-west-1",
        "\"responseElements\":{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":{\"MFAUsed\":\"Yes\"}"));
    Path f = Files.writeString(dir.resolve("trail.json"), "{\"Records\":[" + String.join(",", records) + "]}");

    io.custody.analyzer.sigma.SigmaRules noSigma = io.custody.analyzer.sigma.SigmaRules.load(Files.createDirectory(dir.resolve("none")));
    CloudTrailReport r = new CloudTrailAnalysis(Clock.systemUTC()).rules(noSigma).run(List.of(f));
    CloudTrailReport whole = new CloudTrailAnalysis(Clock.systemUTC()).rules(noSigma).everyDetail().run(List.of(f));
    assertThat(r.findings()).as("the same as when every record's details are read").isEqualTo(whole.findings());
    assertThat(r.principals()).isEqualTo(whole.principals());
    assertThat(r.principals().get(0).resourcesCreated()).extracting(ActivitySummary.Created::resource).contains("exfil-bucket");
    List<String> flagged = new ArrayList<>();
    r.findings().forEach(x -> x.eventIds().forEach(id -> flagged.add(x.ruleId() + " " + id)));
    assertThat(flagged).contains("guardduty-disabled gd-delete", "guardduty-disabled gd-disable", "iam-access-key-created own-key",
        "ec2-unusual-instances run-far", "security-group-open-to-world sg-world");
    assertThat(flagged).noneMatch(s -> s.endsWith(" gd-enable") || s.endsWith(" perm-acct") || s.endsWith(" snap-private")
        || s.endsWith(" sg-narrow") || s.endsWith(" run-home") || s.endsWith(" login-mfa") || s.contains("noise-"));
    assertThat(r.findings().stream().filter(x -> x.ruleId().equals("iam-access-key-created")).findFirst().orElseThrow().severity())
        .as("a key for one's own user is high, not critical").isEqualTo(Severity.HIGH);
  }
}
