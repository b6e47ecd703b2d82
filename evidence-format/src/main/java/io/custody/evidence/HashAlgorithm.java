package io.custody.evidence;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** The digests Custody computes. SHA-256 is always computed; MD5 and SHA-1 only on request (E01 parity). */
public enum HashAlgorithm {
  SHA256("SHA-256", 32),
  MD5("MD5", 16),
  SHA1("SHA-1", 20);

  private final String jcaName;
  private final int length;

  HashAlgorithm(String jcaName, int length) {
    this.jcaName = jcaName;
    this.length = length;
  }

  /** The lower-case name used in files and JSON: {@code sha256}, {@code md5}, {@code sha1}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without " + jcaName, e);
    }
  }
}
