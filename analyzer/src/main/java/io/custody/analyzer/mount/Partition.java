package io.custody.analyzer.mount;

/**
 * A partition found in a partition table, in bytes from the start of the disk.
 *
 * @param scheme {@code mbr}, {@code gpt}, or {@code none} (the whole disk is one filesystem)
 * @param slot e.g. {@code 1}, {@code 5} (first logical), as Linux would number it
 * @param type MBR type ({@code 0x83}) or GPT type GUID
 */
public record Partition(String scheme, int slot, long offset, long length, String type, String name) {}
