package io.custody.collector.contain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.aws.InstanceInfo;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.Json;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/** Steps capture-metadata and capture-console of the instance playbook. */
final class InstanceEvidence {

  static final String METADATA = "instance-metadata.json";
  static final String CONSOLE = "console-output.txt";
  static final String SCREENSHOT = "console-screenshot.jpg";

  private final AwsSession aws;
  private final Ec2Gateway ec2;
  private final Evidence evidence;
  private final InstanceId id;
  private final Clock clock;
  private final boolean dryRun;

  InstanceEvidence(AwsSession aws, Evidence evidence, InstanceId id, Clock clock, boolean dryRun) {
    this.aws = aws;
    this.ec2 = aws.ec2();
    this.evidence = evidence;
    this.id = id;
    this.clock = clock;
    this.dryRun = dryRun;
  }

  StepResult captureMetadata(InstanceInfo info) {
    String name = "capture-metadata";
    Optional<Item> done = evidence.existing(ItemType.METADATA, id.value(), METADATA);
    if (done.isPresent()) {
      return StepResult.done(name, "already captured: " + Evidence.describe(done.get()), null);
    }
    if (dryRun) {
      return StepResult.planned(name, "would capture instance, ENIs, volumes, groups, profile, tags, user data");
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode doc = f.objectNode();
    doc.put("captured_utc", clock.instant().toString());
    doc.put("region", ec2.region());
    try {
      var who = aws.sts().whoAmI();
      doc.put("account", who.account());
      doc.put("captured_by", who.arn());
    } catch (AwsOperationException e) {
      doc.put("account_error", e.getMessage());
    }
    doc.put("instance_id", id.value());
    doc.put("launch_time", info.launchTime() == null ? null : info.launchTime().toString());
    doc.set("tags", Json.mapper().valueToTree(info.tags()));
    doc.set("DescribeInstances", info.raw());
    doc.set("DescribeNetworkInterfaces", ec2.describeNetworkInterfaces(info.networkInterfaces().stream().map(InstanceInfo.Eni::id).toList()));
    doc.set("DescribeVolumes", ec2.describeVolumes(info.volumes()));
    doc.set("DescribeSecurityGroups", ec2.describeSecurityGroups(info.networkInterfaces().stream()
        .flatMap(e -> e.groups().stream()).distinct().toList()));
    doc.set("IamInstanceProfileAssociation", Json.mapper().valueToTree(ec2.profileAssociation(id).orElse(null)));
    if (info.profileArn() != null) {
      String profile = info.profileArn().substring(info.profileArn().lastIndexOf('/') + 1);
      try {
        doc.set("IamInstanceProfile", aws.iam().instanceProfile(profile));
      } catch (io.custody.evidence.CustodyException e) {
        doc.put("IamInstanceProfileError", e.getMessage());
      }
    }
    Optional<String> userData = ec2.instanceAttribute(id, "userData");
    ObjectNode ud = f.objectNode();
    ud.put("base64", userData.orElse(null));
    userData.ifPresent(b64 -> ud.put("text", new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8)));
    doc.set("UserData", ud);
    doc.put("DisableApiTermination", ec2.instanceAttribute(id, "disableApiTermination").orElse(null));
    doc.put("InstanceInitiatedShutdownBehavior", ec2.instanceAttribute(id, "instanceInitiatedShutdownBehavior").orElse(null));
    Item item = evidence.add(ItemType.METADATA, id.value(), METADATA, "aws:" + ec2.region() + ":ec2:DescribeInstances", Json.write(doc));
    return StepResult.done(name, Evidence.describe(item), null);
  }

  StepResult captureConsole() {
    String name = "capture-console";
    Optional<Item> done = evidence.existing(ItemType.CONSOLE, id.value(), CONSOLE);
    if (done.isPresent()) {
      return StepResult.done(name, "already captured: " + Evidence.describe(done.get()), null);
    }
    if (dryRun) {
      return StepResult.planned(name, "would capture console output and screenshot");
    }
    Optional<String> output = ec2.consoleOutput(id);
    StringBuilder detail = new StringBuilder();
    if (output.isPresent()) {
      Item item = evidence.add(ItemType.CONSOLE, id.value(), CONSOLE, "aws:" + ec2.region() + ":ec2:GetConsoleOutput",
          output.get().getBytes(StandardCharsets.UTF_8));
      detail.append(Evidence.describe(item));
    }
    String shot;
    try {
      byte[] jpeg = ec2.consoleScreenshot(id);
      if (evidence.existing(ItemType.CONSOLE, id.value(), SCREENSHOT).isEmpty()) {
        evidence.add(ItemType.CONSOLE, id.value(), SCREENSHOT, "aws:" + ec2.region() + ":ec2:GetConsoleScreenshot", jpeg);
      }
      shot = "screenshot captured";
    } catch (io.custody.evidence.CustodyException e) {
      // Not every instance type (nor every endpoint) has console screenshots.
      shot = "screenshot not available: " + (e instanceof AwsOperationException a && a.errorCode() != null ? a.errorCode() : e.getMessage());
    }
    if (output.isEmpty()) {
      return StepResult.skipped(name, "no console output yet; " + shot);
    }
    return StepResult.done(name, detail + "; " + shot, null);
  }
}
