package io.custody.lime.ssm;

/** A multipart upload that was started and neither completed nor aborted. */
public record OpenUpload(String key, String uploadId) {}
