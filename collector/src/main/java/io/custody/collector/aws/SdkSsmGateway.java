package io.custody.collector.aws;

import io.custody.evidence.AwsOperationException;
import io.custody.evidence.Sha256;
import io.custody.evidence.ids.InstanceId;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DocumentDescription;
import software.amazon.awssdk.services.ssm.model.DocumentFormat;
import software.amazon.awssdk.services.ssm.model.DocumentType;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;

/** {@link SsmGateway} on the AWS SDK. */
final class SdkSsmGateway implements SsmGateway {

  private final SsmClient ssm;

  SdkSsmGateway(SsmClient ssm) {
    this.ssm = ssm;
  }

  @Override
  public ManagedInstance managedInstance(InstanceId instance) {
    var r = Calls.call("ask SSM whether it manages", "'" + instance + "'", () ->
        ssm.describeInstanceInformation(b -> b.filters(f -> f.key("InstanceIds").values(instance.value()))));
    for (InstanceInformation i : r.instanceInformationList()) {
      if (instance.value().equals(i.instanceId())) {
        return new ManagedInstance(true, i.pingStatusAsString(), i.platformName(), i.agentVersion());
      }
    }
    return new ManagedInstance(false, null, null, null);
  }

  @Override
  public Change sendCommand(String document, InstanceId instance, Map<String, String> parameters, int timeoutSeconds, String comment) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    parameters.forEach((k, v) -> params.put(k, List.of(v)));
    var r = Calls.call("send " + document + " to", "'" + instance + "'", () -> ssm.sendCommand(b -> b.documentName(document)
        .instanceIds(instance.value()).parameters(params).timeoutSeconds(Math.max(30, Math.min(timeoutSeconds, 2_592_000))).comment(comment)));
    return new Change("ssm:SendCommand", r.command().commandId(), r.responseMetadata().requestId(), false);
  }

  @Override
  public Invocation invocation(String commandId, InstanceId instance) {
    GetCommandInvocationResponse r;
    try {
      r = Calls.call("get", "command " + commandId + " on '" + instance + "'", () ->
          ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instance.value())));
    } catch (AwsOperationException e) {
      if ("InvocationDoesNotExist".equals(e.errorCode())) {
        // SSM answers this for a short while after SendCommand, before the invocation exists.
        return new Invocation("Pending", "no invocation yet", -1, "");
      }
      throw e;
    }
    String err = r.standardErrorContent() == null ? "" : r.standardErrorContent();
    return new Invocation(r.statusAsString(), r.statusDetails(), r.responseCode() == null ? -1 : r.responseCode(),
        err.length() > 2000 ? err.substring(err.length() - 2000) : err);
  }

  @Override
  public Change cancelCommand(String commandId, InstanceId instance) {
    var r = Calls.call("cancel", "command " + commandId + " on '" + instance + "'", () ->
        ssm.cancelCommand(b -> b.commandId(commandId).instanceIds(instance.value())));
    return new Change("ssm:CancelCommand", commandId, r.responseMetadata().requestId(), false);
  }

  @Override
  public DocumentVersion installDocument(String name, String content) {
    String hash = Sha256.digest(content.getBytes(StandardCharsets.UTF_8)).hex();
    String what = "SSM document '" + name + "'";
    var current = describe(name);
    if (current == null) {
      var created = Calls.call("create", what, () ->
          ssm.createDocument(b -> b.name(name).content(content).documentType(DocumentType.COMMAND).documentFormat(DocumentFormat.JSON)));
      return new DocumentVersion(name, created.documentDescription().documentVersion(), hash, true, created.responseMetadata().requestId());
    }
    if (hash.equals(current.hash()) || content.equals(Calls.call("read", what, () -> ssm.getDocument(b -> b.name(name))).content())) {
      return new DocumentVersion(name, current.defaultVersion(), hash, false, null);
    }
    var updated = Calls.call("update", what, () ->
        ssm.updateDocument(b -> b.name(name).content(content).documentVersion("$LATEST").documentFormat(DocumentFormat.JSON)));
    String version = updated.documentDescription().documentVersion();
    var def = Calls.call("set the default version of", what, () -> ssm.updateDocumentDefaultVersion(b -> b.name(name).documentVersion(version)));
    return new DocumentVersion(name, version, hash, true, def.responseMetadata().requestId());
  }

  /** The document's description, or null when SSM does not have it. */
  private DocumentDescription describe(String name) {
    try {
      return Calls.call("describe", "SSM document '" + name + "'", () -> ssm.describeDocument(b -> b.name(name))).document();
    } catch (AwsOperationException e) {
      if ("InvalidDocument".equals(e.errorCode())) {
        return null;
      }
      throw e;
    }
  }
}
