package io.custody.lime.ssm;

/**
 * The result of an AWS call that changed something, with the request id CloudTrail shows for it
 * (recorded in the custody log).
 */
public record Called<T>(T value, String requestId) {}
