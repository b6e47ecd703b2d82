package io.custody.lime.capture;

import com.fasterxml.jackson.annotation.JsonValue;
import io.custody.evidence.InvalidInputException;
import java.util.Locale;

/**
 * What reads the host's memory: LiME (a kernel module built for exactly the host's kernel), AVML
 * (Microsoft's userland acquirer, reading /proc/kcore, /dev/crash or /dev/mem, writing LiME format),
 * or {@code auto}: LiME when the library has a module for the kernel and the kernel loads it, else
 * AVML, the host recording why.
 */
public enum CaptureMethod {
  AUTO,
  LIME,
  AVML;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CaptureMethod parse(String text) {
    for (CaptureMethod m : values()) {
      if (m.label().equalsIgnoreCase(text)) {
        return m;
      }
    }
    throw new InvalidInputException("Failed to parse capture method '" + text + "': expected auto, lime or avml");
  }
}
