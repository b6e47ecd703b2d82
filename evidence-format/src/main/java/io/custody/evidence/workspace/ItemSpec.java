package io.custody.evidence.workspace;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.segment.Compression;
import java.util.EnumSet;
import java.util.Set;

/**
 * What to acquire into a case: type, source, how to store it. Defaults come from the {@link
 * ItemType}: images as zstd segments of 1 GiB, other items as one plain file; SHA-256 only.
 */
public final class ItemSpec {

  final ItemType type;
  final String sourceId;
  final String name;
  String origin;
  Set<HashAlgorithm> algorithms = EnumSet.of(HashAlgorithm.SHA256);
  Compression compression;
  long segmentSize;
  String notes;
  String folder;

  private ItemSpec(ItemType type, String sourceId, String fileName) {
    this.type = type;
    this.sourceId = Names.requireSourceId(sourceId);
    this.name = type.storedName(fileName);
    this.compression = type.defaultCompression();
    this.segmentSize = type.defaultSegmentSize();
  }

  /**
   * @param fileName the original file name (used as the stored name for non-image types)
   */
  public static ItemSpec of(ItemType type, String sourceId, String fileName) {
    return new ItemSpec(type, sourceId, fileName);
  }

  public ItemSpec origin(String text) {
    this.origin = text;
    return this;
  }

  public ItemSpec algorithms(Set<HashAlgorithm> set) {
    this.algorithms = EnumSet.of(HashAlgorithm.SHA256);
    this.algorithms.addAll(set);
    return this;
  }

  public ItemSpec compression(Compression c) {
    this.compression = c;
    return this;
  }

  /** Raw bytes per stored file; 0 stores the item as one file. */
  public ItemSpec segmentSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("segment size must not be negative");
    }
    this.segmentSize = size;
    return this;
  }

  /**
   * The name of the item's folder under {@code data/<type>/} (made safe, numbered when taken);
   * default: from the source id, which says little when it ends in a path ({@code s3://bucket/AWSLogs/}).
   */
  public ItemSpec folder(String name) {
    this.folder = name;
    return this;
  }

  /** The name the stream is stored under (made safe from the file name, or the type's fixed name). */
  public String name() {
    return name;
  }

  public ItemSpec notes(String text) {
    this.notes = text;
    return this;
  }

  public ItemType type() {
    return type;
  }

  public String sourceId() {
    return sourceId;
  }
}
