package io.custody.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The digests of one byte stream: SHA-256 always, MD5 and SHA-1 when they were asked for (else null).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hashes(Sha256 sha256, String md5, String sha1) {

  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

  public Hashes {
    if (sha256 == null) {
      throw new InvalidInputException("Failed to record hashes: SHA-256 is mandatory");
    }
    if (md5 != null && !MD5.matcher(md5).matches()) {
      throw new InvalidInputException("Failed to record hashes: bad MD5 '" + md5 + "'");
    }
    if (sha1 != null && !SHA1.matcher(sha1).matches()) {
      throw new InvalidInputException("Failed to record hashes: bad SHA-1 '" + sha1 + "'");
    }
  }

  public static Hashes sha256Only(Sha256 sha256) {
    return new Hashes(sha256, null, null);
  }

  /** The hex digest of the given algorithm, empty when it was not computed. */
  public Optional<String> hex(HashAlgorithm algorithm) {
    return Optional.ofNullable(
        switch (algorithm) {
          case SHA256 -> sha256.hex();
          case MD5 -> md5;
          case SHA1 -> sha1;
        });
  }
}
