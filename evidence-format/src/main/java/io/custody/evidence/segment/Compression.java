package io.custody.evidence.segment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.custody.evidence.InvalidInputException;
import java.util.Locale;

/** How stored files are compressed: not at all, or one independent zstd frame per file. */
public enum Compression {
  NONE(""),
  ZSTD(".zst");

  private final String suffix;

  Compression(String suffix) {
    this.suffix = suffix;
  }

  /** The file-name suffix: empty or {@code .zst}. */
  public String suffix() {
    return suffix;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Compression parse(String text) {
    for (Compression c : values()) {
      if (c.label().equalsIgnoreCase(text)) {
        return c;
      }
    }
    throw new InvalidInputException("Failed to parse compression '" + text + "': expected zstd or none");
  }
}
