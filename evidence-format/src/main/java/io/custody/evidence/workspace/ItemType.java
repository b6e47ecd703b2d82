package io.custody.evidence.workspace;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.segment.Compression;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Kinds of evidence item, each with its folder under {@code data/} and its defaults: disk and memory
 * images are stored as zstd segments, everything else as one plain file.
 */
public enum ItemType {
  DISK("disk", "image.raw", true),
  MEMORY("memory", "memory.lime", true),
  METADATA("metadata", null, false),
  CONSOLE("console", null, false),
  LOG("logs", null, false),
  ANALYSIS("analysis", null, false),
  /** What Volatility needs to read a memory image: the kernel's BTF, symbol map and banner, and the ISF made from them. */
  SYMBOLS("symbols", null, false),
  OTHER("other", null, false);

  /** Default segment size of disk and memory images: 1 GiB of raw data per stored file. */
  public static final long DEFAULT_SEGMENT_SIZE = 1L << 30;

  private final String folder;
  private final String fixedName;
  private final boolean image;

  ItemType(String folder, String fixedName, boolean image) {
    this.folder = folder;
    this.fixedName = fixedName;
    this.image = image;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The folder under {@code data/}. */
  public String folder() {
    return folder;
  }

  /** True for disk and memory images (segmented and compressed by default). */
  public boolean image() {
    return image;
  }

  /** The stored name of the item's bytes: fixed for images, else the given file's name. */
  public String storedName(String fileName) {
    return fixedName != null ? fixedName : Names.storedName(fileName);
  }

  public Compression defaultCompression() {
    return image ? Compression.ZSTD : Compression.NONE;
  }

  /** 0 means one file, not segmented. */
  public long defaultSegmentSize() {
    return image ? DEFAULT_SEGMENT_SIZE : 0;
  }

  @JsonCreator
  public static ItemType parse(String text) {
    for (ItemType t : values()) {
      if (t.label().equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw new InvalidInputException("Failed to parse item type '" + text + "': expected one of "
        + Arrays.stream(values()).map(ItemType::label).collect(Collectors.joining(", ")));
  }
}
