package io.custody.lime.capture;

import com.fasterxml.jackson.annotation.JsonValue;
import io.custody.evidence.InvalidInputException;
import java.util.Locale;

/**
 * How the dump travels from the host to S3: as is, or as one gzip stream ({@code gzip -1} on the
 * host) that the workstation inflates while it hashes and stores. The hashes are always over the
 * raw LiME bytes. gzip sends less over the network (free memory is mostly zero pages) for some CPU
 * on the host.
 */
public enum Transport {
  NONE(""),
  GZIP(".gz");

  private final String suffix;

  Transport(String suffix) {
    this.suffix = suffix;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Appended to the S3 key of the dump. */
  public String suffix() {
    return suffix;
  }

  public static Transport parse(String text) {
    for (Transport t : values()) {
      if (t.label().equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw new InvalidInputException("Failed to parse compression '" + text + "': expected none or gzip");
  }
}
