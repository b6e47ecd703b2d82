package io.custody.evidence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A SHA-256 digest as 64 lower-case hex digits, the form {@code sha256sum} prints.
 *
 * @throws InvalidInputException from the constructor when the text is not 64 hex digits
 */
public record Sha256(@JsonValue String hex) implements Comparable<Sha256> {

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** The all-zero digest: the {@code prev_sha256} of the first custody entry. */
  public static final Sha256 ZERO = new Sha256("0".repeat(64));

  public Sha256 {
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw new InvalidInputException("Failed to parse SHA-256 '" + abbreviate(hex) + "': expected 64 lower-case hex digits");
    }
  }

  /** Parses hex in either case. */
  @JsonCreator
  public static Sha256 parse(String text) {
    return new Sha256(text == null ? null : text.trim().toLowerCase(java.util.Locale.ROOT));
  }

  public static Sha256 of(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("SHA-256 digest must be 32 bytes, got " + digest.length);
    }
    return new Sha256(HexFormat.of().formatHex(digest));
  }

  /** Hashes the given bytes. */
  public static Sha256 digest(byte[] data) {
    return of(HashAlgorithm.SHA256.newDigest().digest(data));
  }

  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  @Override
  public int compareTo(Sha256 o) {
    return hex.compareTo(o.hex);
  }

  @Override
  public String toString() {
    return hex;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
