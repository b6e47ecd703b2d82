package io.custody.lime;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A built {@code lime.ko}: the kernel release its {@code vermagic} names (the kernel refuses a
 * module built for another release), its SHA-256 and size.
 */
@JsonPropertyOrder({"release", "vermagic", "sha256", "size"})
public record LimeModule(
    @JsonProperty("release") KernelRelease release,
    @JsonProperty("vermagic") String vermagic,
    @JsonProperty("sha256") Sha256 sha256,
    @JsonProperty("size") long size) {

  /** No LiME module is near this size. */
  public static final int MAX_BYTES = 64 << 20;
  private static final byte[] VERMAGIC = "vermagic=".getBytes(StandardCharsets.US_ASCII);

  /**
   * Reads a module file.
   *
   * @throws InvalidInputException when it is not an ELF kernel module with a vermagic
   */
  public static LimeModule read(Path ko) {
    byte[] b;
    try (InputStream in = Files.newInputStream(ko)) {
      b = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read LiME module '" + ko + "': " + e.getMessage(), e);
    }
    return parse(b, ko.toString());
  }

  /** @param name names the module in messages */
  public static LimeModule parse(byte[] b, String name) {
    if (b.length > MAX_BYTES) {
      throw new InvalidInputException("Failed to read LiME module '" + name + "': larger than " + MAX_BYTES + " bytes");
    }
    if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
      throw new InvalidInputException("Failed to read LiME module '" + name + "': not an ELF file");
    }
    int at = indexOf(b, VERMAGIC);
    if (at < 0) {
      throw new InvalidInputException("Failed to read LiME module '" + name + "': no vermagic (not a kernel module)");
    }
    int start = at + VERMAGIC.length;
    int end = start;
    while (end < b.length && b[end] != 0 && end - start < 512) {
      end++;
    }
    String vermagic = new String(b, start, end - start, StandardCharsets.US_ASCII);
    String release = vermagic.split(" ", 2)[0];
    return new LimeModule(KernelRelease.of(release), vermagic, Sha256.digest(b), b.length);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
