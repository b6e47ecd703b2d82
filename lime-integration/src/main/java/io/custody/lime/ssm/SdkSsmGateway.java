package io.custody.lime.ssm;

import io.custody.evidence.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.DocumentFormat;
import software.amazon.awssdk.services.ssm.model.DocumentType;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

/** {@link SsmGateway} on the AWS SDK. */
final class SdkSsmGateway implements SsmGateway {

  private final SsmClient ssm;

  SdkSsmGateway(SsmClient ssm) {
    this.ssm = ssm;
  }

  @Override
  public ManagedInstance managedInstance(String instanceId) {
    try {
      var r = ssm.describeInstanceInformation(b -> b.filters(f -> f.key("InstanceIds").values(instanceId)));
      for (InstanceInformation i : r.instanceInformationList()) {
        if (instanceId.equals(i.instanceId())) {
          return new ManagedInstance(true, i.pingStatusAsString(), i.platformName(), i.agentVersion());
        }
      }
      return new ManagedInstance(false, null, null, null);
    } catch (SdkException e) {
      throw AwsErrors.of("ask SSM whether it manages '" + instanceId + "'", e);
    }
  }

  @Override
  public Called<String> sendCommand(String document, String instanceId, Map<String, String> parameters, int timeoutSeconds, String comment) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    parameters.forEach((k, v) -> params.put(k, List.of(v)));
    try {
      var r = ssm.sendCommand(b -> b.documentName(document).instanceIds(instanceId).parameters(params)
          .timeoutSeconds(Math.max(30, Math.min(timeoutSeconds, 2_592_000))).comment(comment));
      return new Called<>(r.command().commandId(), r.responseMetadata().requestId());
    } catch (SdkException e) {
      throw AwsErrors.of("send " + document + " to '" + instanceId + "'", e);
    }
  }

  @Override
  public Invocation invocation(String commandId, String instanceId) {
    try {
      GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId));
      String err = r.standardErrorContent() == null ? "" : r.standardErrorContent();
      return new Invocation(r.statusAsString(), r.statusDetails(), r.responseCode() == null ? -1 : r.responseCode(),
          err.length() > 2000 ? err.substring(err.length() - 2000) : err);
    } catch (InvocationDoesNotExistException e) {
      // SSM answers this for a short while after SendCommand, before the invocation exists.
      return new Invocation("Pending", "no invocation yet", -1, "");
    } catch (SdkException e) {
      throw AwsErrors.of("get command " + commandId + " on '" + instanceId + "'", e);
    }
  }

  @Override
  public String cancelCommand(String commandId, String instanceId) {
    try {
      return ssm.cancelCommand(b -> b.commandId(commandId).instanceIds(instanceId)).responseMetadata().requestId();
    } catch (SdkException e) {
      throw AwsErrors.of("cancel command " + commandId + " on '" + instanceId + "'", e);
    }
  }

  @Override
  public Called<DocumentVersion> installDocument(String name, String content) {
    String hash = Sha256.digest(content.getBytes(StandardCharsets.UTF_8)).hex();
    try {
      var current = ssm.describeDocument(b -> b.name(name)).document();
      if (hash.equals(current.hash())) {
        return new Called<>(new DocumentVersion(name, current.defaultVersion(), hash, false), null);
      }
      String existing = ssm.getDocument(b -> b.name(name)).content();
      if (content.equals(existing)) {
        return new Called<>(new DocumentVersion(name, current.defaultVersion(), hash, false), null);
      }
      var updated = ssm.updateDocument(b -> b.name(name).content(content).documentVersion("$LATEST").documentFormat(DocumentFormat.JSON));
      String version = updated.documentDescription().documentVersion();
      var def = ssm.updateDocumentDefaultVersion(b -> b.name(name).documentVersion(version));
      return new Called<>(new DocumentVersion(name, version, hash, true), def.responseMetadata().requestId());
    } catch (InvalidDocumentException e) {
      try {
        var created = ssm.createDocument(b -> b.name(name).content(content).documentType(DocumentType.COMMAND).documentFormat(DocumentFormat.JSON));
        return new Called<>(new DocumentVersion(name, created.documentDescription().documentVersion(), hash, true), created.responseMetadata().requestId());
      } catch (SdkException e2) {
        throw AwsErrors.of("create SSM document '" + name + "'", e2);
      }
    } catch (SdkException e) {
      throw AwsErrors.of("install SSM document '" + name + "'", e);
    }
  }
}
