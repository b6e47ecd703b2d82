package io.custody.evidence.sign;

import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM certificates in and out, and their fingerprints. */
public final class Pem {

  /** Certificate files larger than this are refused. */
  static final int MAX_PEM = 1 << 20;

  private Pem() {}

  /**
   * Reads every certificate of a PEM file.
   *
   * @throws InvalidInputException when the file holds no certificate or is not PEM
   */
  public static List<X509Certificate> readCertificates(Path file) {
    try {
      if (Files.size(file) > MAX_PEM) {
        throw new InvalidInputException("Failed to read certificates '" + file + "': larger than " + MAX_PEM + " bytes");
      }
      return parseCertificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    } catch (IOException e) {
      throw new InvalidInputException("Failed to read certificates '" + file + "': " + e.getMessage(), e);
    }
  }

  public static List<X509Certificate> parseCertificates(String pem, String name) {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = new StringReader(pem); PEMParser p = new PEMParser(r)) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) {
          out.add(new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(h));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new InvalidInputException("Failed to read certificates '" + name + "': " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new InvalidInputException("Failed to read certificates '" + name + "': no CERTIFICATE block");
    }
    return out;
  }

  public static String write(List<X509Certificate> certs) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      for (X509Certificate c : certs) {
        w.writeObject(c);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sw.toString();
  }

  /** SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it: {@code AB:CD:…}. */
  public static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The subject in RFC 2253 form. */
  public static String subject(X509Certificate cert) {
    String name = cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
    return name.isEmpty() ? "(empty subject)" : name;
  }
}
