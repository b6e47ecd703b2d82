package io.custody.analyzer.disk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.custody.evidence.Printable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * OpenSSH public keys as {@code authorized_keys} lists them ({@code [options] type base64 [comment]}),
 * with the fingerprints sshd logs ({@code SHA256:} + unpadded base64 of the SHA-256 of the key blob)
 * and {@code ssh-keygen -E md5} prints ({@code MD5:} + colon-separated hex). A line whose key does not
 * decode, or whose blob names another type than the line, is not a key.
 */
public final class SshKeys {

  /** The longest key blob read (RSA 16384 is about 2 KiB). */
  static final int MAX_BLOB = 16 << 10;

  /**
   * One key of an authorized_keys file.
   *
   * @param line its line number
   * @param options the options before the key type, or empty
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"user", "file", "line", "type", "sha256", "md5", "comment", "options", "used_from", "first_use_utc", "last_use_utc",
      "logins"})
  public record Key(@JsonProperty("user") String user, @JsonProperty("file") String file, @JsonProperty("line") int line,
      @JsonProperty("type") String type, @JsonProperty("sha256") String sha256, @JsonProperty("md5") String md5,
      @JsonProperty("comment") String comment, @JsonProperty("options") String options, @JsonProperty("used_from") List<String> usedFrom,
      @JsonProperty("first_use_utc") String firstUse, @JsonProperty("last_use_utc") String lastUse, @JsonProperty("logins") Integer logins) {

    Key used(List<String> from, String first, String last, int n) {
      return new Key(user, file, line, type, sha256, md5, comment, options, from, first, last, n);
    }
  }

  private SshKeys() {}

  /** The keys of an authorized_keys file's text. */
  static List<Key> parse(String user, String file, String text) {
    List<Key> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length && out.size() < 10_000; i++) {
      String l = lines[i].strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int number = i + 1;
      key(l).ifPresent(k -> out.add(new Key(user, file, number, k[0], k[1], k[2], k[3], k[4], null, null, null, null)));
    }
    return out;
  }

  /** type, SHA256 fingerprint, MD5 fingerprint, comment, options; empty when the line holds no key. */
  static Optional<String[]> key(String line) {
    List<String> tokens = tokens(line);
    for (int i = 0; i + 1 < tokens.size() && i < 2; i++) {
      String type = tokens.get(i);
      if (!type.matches("(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com"
          + "|[a-z0-9-]+-cert-v01@openssh\\.com)")) {
        continue;
      }
      byte[] blob;
      try {
        blob = Base64.getDecoder().decode(tokens.get(i + 1));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      if (blob.length < 8 || blob.length > MAX_BLOB || !type.equals(blobType(blob))) {
        return Optional.empty();
      }
      String comment = tokens.size() > i + 2 ? String.join(" ", tokens.subList(i + 2, tokens.size())) : "";
      String options = i == 1 ? tokens.get(0) : "";
      return Optional.of(new String[] {type, sha256(blob), md5(blob), Printable.of(comment), Printable.of(options)});
    }
    return Optional.empty();
  }

  static String sha256(byte[] blob) {
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest("SHA-256", blob));
  }

  static String md5(byte[] blob) {
    String hex = HexFormat.of().formatHex(digest("MD5", blob));
    StringBuilder s = new StringBuilder("MD5:");
    for (int i = 0; i < hex.length(); i += 2) {
      s.append(i == 0 ? "" : ":").append(hex, i, i + 2);
    }
    return s.toString();
  }

  /** The type string a key blob starts with (uint32 length, then the name). */
  private static String blobType(byte[] blob) {
    int n = ByteBuffer.wrap(blob).getInt(0);
    if (n <= 0 || n > 64 || 4 + n > blob.length) {
      return null;
    }
    return new String(blob, 4, n, StandardCharsets.US_ASCII);
  }

  /** Tokens split on blanks, a double-quoted stretch (options hold them) kept whole. */
  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (!quoted && (c == ' ' || c == '\t')) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  private static byte[] digest(String algorithm, byte[] b) {
    try {
      return MessageDigest.getInstance(algorithm).digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
