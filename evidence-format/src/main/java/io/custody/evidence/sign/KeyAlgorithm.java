package io.custody.evidence.sign;

import io.custody.evidence.InvalidInputException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Examiner key types. Ed25519 is not offered: {@code openssl cms -verify} cannot check it inside CMS.
 */
public enum KeyAlgorithm {
  EC_P256("ec-p256", "SHA256withECDSA"),
  EC_P384("ec-p384", "SHA384withECDSA"),
  RSA_PSS_3072("rsa-pss-3072", "SHA256withRSAandMGF1");

  private final String label;
  private final String signatureName;

  KeyAlgorithm(String label, String signatureName) {
    this.label = label;
    this.signatureName = signatureName;
  }

  public String label() {
    return label;
  }

  /** The Bouncy Castle signature algorithm name. */
  public String signatureName() {
    return signatureName;
  }

  public KeyPair generate() {
    try {
      KeyPairGenerator g;
      switch (this) {
        case EC_P256 -> {
          g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        case EC_P384 -> {
          g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp384r1"));
        }
        default -> {
          g = KeyPairGenerator.getInstance("RSA");
          g.initialize(3072);
        }
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK cannot generate " + label, e);
    }
  }

  public static KeyAlgorithm parse(String text) {
    for (KeyAlgorithm a : values()) {
      if (a.label.equalsIgnoreCase(text)) {
        return a;
      }
    }
    throw new InvalidInputException("Failed to parse key algorithm '" + text + "': expected "
        + Arrays.stream(values()).map(KeyAlgorithm::label).collect(Collectors.joining(", ")));
  }

  /** The algorithm matching an existing key: EC by curve size, RSA as RSA-PSS. */
  public static KeyAlgorithm of(java.security.PublicKey key) {
    if (key instanceof java.security.interfaces.ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256) {
        return EC_P256;
      }
      if (bits == 384) {
        return EC_P384;
      }
      throw new InvalidInputException("Failed to use EC key: curve of " + bits + " bits; use P-256 or P-384");
    }
    if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new InvalidInputException("Failed to use RSA key: " + rsa.getModulus().bitLength() + " bits is too short");
      }
      return RSA_PSS_3072;
    }
    throw new InvalidInputException("Failed to use key of type " + key.getAlgorithm().toLowerCase(Locale.ROOT)
        + ": use ECDSA P-256/P-384 or RSA (signed with RSA-PSS)");
  }
}
