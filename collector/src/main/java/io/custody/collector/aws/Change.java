package io.custody.collector.aws;

/**
 * One call that changed (or, dry, would have changed) something in AWS.
 *
 * @param api the API name, e.g. {@code ec2:ModifyNetworkInterfaceAttribute}
 * @param resourceId what it changed or created
 * @param requestId AWS's request id: what CloudTrail shows for the call
 * @param dryRun true when only checked with DryRun (nothing changed)
 */
public record Change(String api, String resourceId, String requestId, boolean dryRun) {}
