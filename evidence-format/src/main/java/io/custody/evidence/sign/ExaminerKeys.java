package io.custody.evidence.sign;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * {@code custody keys init}: a new examiner key ({@code examiner.key.pem}, PKCS#8, mode 0600) and a
 * self-signed certificate ({@code examiner.cert.pem}) that doubles as the trust anchor legal
 * verifies against. Default validity: 5 years.
 */
public final class ExaminerKeys {

  public static final String KEY_FILE = "examiner.key.pem";
  public static final String CERT_FILE = "examiner.cert.pem";
  public static final int DEFAULT_DAYS = 5 * 365;

  private ExaminerKeys() {}

  /** The files written. */
  public record Created(Path key, Path certificate, X509Certificate cert) {}

  /**
   * @throws InvalidInputException when the subject is not a DN or a file already exists
   */
  public static Created init(Path dir, String subject, KeyAlgorithm algorithm, int days, Clock clock) {
    X500Principal dn;
    try {
      dn = new X500Principal(subject);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Failed to parse subject '" + subject + "': " + e.getMessage(), e);
    }
    if (days < 1) {
      throw new InvalidInputException("Failed to create key: --days must be positive");
    }
    Path keyFile = dir.resolve(KEY_FILE);
    Path certFile = dir.resolve(CERT_FILE);
    for (Path p : List.of(keyFile, certFile)) {
      if (Files.exists(p)) {
        throw new InvalidInputException("Failed to create key in '" + dir + "': " + p.getFileName() + " already exists (never overwritten)");
      }
    }
    KeyPair pair = algorithm.generate();
    X509Certificate cert = selfSign(pair, dn, algorithm, days, clock.instant());
    try {
      Files.createDirectories(dir);
      write(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), "rw-------");
      write(certFile, Pem.write(List.of(cert)), "rw-r--r--");
    } catch (IOException e) {
      throw new HostException("Failed to write key files in '" + dir + "': " + e.getMessage(), e);
    }
    return new Created(keyFile, certFile, cert);
  }

  private static X509Certificate selfSign(KeyPair pair, X500Principal dn, KeyAlgorithm algorithm, int days, Instant now) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  dn,
                  new BigInteger(127, new SecureRandom()).setBit(126),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(Duration.ofDays(days))),
                  dn,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(Extension.keyUsage, true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyCertSign))
              .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
              .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(pair.getPublic()));
      var signer = new JcaContentSignerBuilder(algorithm.signatureName()).setProvider(Providers.BC).build(pair.getPrivate());
      return new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(b.build(signer));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot self-sign certificate", e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o instanceof JcaPKCS8Generator g ? g.generate() : o);
    }
    return sw.toString();
  }

  private static void write(Path file, String text, String mode) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException("Failed to create '" + file + "': it already exists (never overwritten)");
    }
    Files.write(file, text.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
    // createFile applies the umask; set the mode explicitly so the key is 0600 whatever the umask.
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }
}
