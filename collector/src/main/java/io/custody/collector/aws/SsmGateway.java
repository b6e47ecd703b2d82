package io.custody.collector.aws;

import io.custody.evidence.AwsOperationException;
import io.custody.evidence.ids.InstanceId;
import java.util.Map;

/** The SSM calls of memory capture: managed-instance check, Run Command, the capture document. */
public interface SsmGateway {

  /**
   * Whether SSM manages the instance and can reach it.
   *
   * @throws AwsOperationException when the question cannot be asked (permission, unsupported endpoint)
   */
  ManagedInstance managedInstance(InstanceId instance);

  /**
   * Sends a command to one instance.
   *
   * @param parameters document parameters (one value each; they may hold presigned URLs, so they are
   *     never recorded)
   * @return the change; its resource id is the command id
   */
  Change sendCommand(String document, InstanceId instance, Map<String, String> parameters, int timeoutSeconds, String comment);

  /** Where a command stands on an instance. */
  Invocation invocation(String commandId, InstanceId instance);

  Change cancelCommand(String commandId, InstanceId instance);

  /**
   * Creates the document, or adds a version with this content and makes it the default; does
   * nothing when the default version already has this content.
   *
   * @return the default version after the call and whether it changed
   */
  DocumentVersion installDocument(String name, String content);

  /** @param found false when SSM does not know the instance */
  record ManagedInstance(boolean found, String pingStatus, String platform, String agentVersion) {
    public boolean online() {
      return found && "Online".equals(pingStatus);
    }
  }

  /**
   * @param status SSM's status: Pending, InProgress, Delayed, Success, Cancelled, TimedOut, Failed, …
   * @param stderr the start of the command's stderr, as SSM keeps it (may be empty)
   */
  record Invocation(String status, String statusDetails, int responseCode, String stderr) {
    /** True when SSM will not run the command any further. */
    public boolean terminal() {
      return switch (status) {
        case "Success", "Cancelled", "TimedOut", "Failed", "Cancelling", "Undeliverable", "Terminated", "InvalidPlatform", "AccessDenied",
            "DeliveryTimedOut", "ExecutionTimedOut" -> true;
        default -> false;
      };
    }

    public boolean succeeded() {
      return "Success".equals(status);
    }
  }

  /**
   * @param changed true when this call created the document or a new version
   * @param requestId of the call that changed it, null when nothing changed
   */
  record DocumentVersion(String name, String version, String sha256, boolean changed, String requestId) {}
}
