package io.custody.collector.acquire;

/** A range of a device that could not be read and was filled with zeros. */
public record UnreadableRange(long offset, long length, String error) {}
