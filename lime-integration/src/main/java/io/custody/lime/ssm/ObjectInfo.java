package io.custody.lime.ssm;

/** What HeadObject tells about an object. */
public record ObjectInfo(String key, long size, String etag) {}
