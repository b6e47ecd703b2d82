package io.custody.evidence.sign;

import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A signer whose private key is a local file: PEM (PKCS#8 or traditional EC/RSA, unencrypted) with a
 * PEM certificate (chain), or a PKCS#12 file whose password is in {@code CUSTODY_KEY_PASSWORD}.
 */
public final class FileSigner implements EvidenceSigner {

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final KeyAlgorithm algorithm;

  private FileSigner(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.algorithm = KeyAlgorithm.of(chain.get(0).getPublicKey());
    checkPair();
  }

  /**
   * Loads a key and its certificate chain.
   *
   * @param certFile PEM certificate(s), signer first; ignored for PKCS#12 (the chain is inside)
   * @throws InvalidInputException when the files are unreadable, encrypted PEM, or do not match
   */
  public static FileSigner load(Path keyFile, Path certFile) {
    String name = keyFile.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      return loadPkcs12(keyFile);
    }
    return new FileSigner(readPemKey(keyFile), Pem.readCertificates(certFile));
  }

  @Override
  public List<X509Certificate> chain() {
    return chain;
  }

  public KeyAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public AlgorithmIdentifier signatureAlgorithm() {
    return new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm.signatureName());
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance(algorithm.signatureName(), Providers.BC);
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException("Failed to sign with key: " + e.getMessage(), e);
    }
  }

  private void checkPair() {
    byte[] probe = "custody key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature v = Signature.getInstance(algorithm.signatureName(), Providers.BC);
      v.initVerify(chain.get(0).getPublicKey());
      v.update(probe);
      if (!v.verify(sign(probe))) {
        throw new InvalidInputException("Failed to load signer: the private key does not match certificate '" + Pem.subject(chain.get(0)) + "'");
      }
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException("Failed to load signer: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readPemKey(Path file) {
    try {
      if (Files.size(file) > Pem.MAX_PEM) {
        throw new InvalidInputException("Failed to read key '" + file + "': larger than " + Pem.MAX_PEM + " bytes");
      }
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
        Object o = p.readObject();
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(Providers.BC);
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return conv.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new InvalidInputException("Failed to read key '" + file + "': encrypted PEM keys are not supported; use PKCS#12 with CUSTODY_KEY_PASSWORD, or a KMS key");
        }
        throw new InvalidInputException("Failed to read key '" + file + "': no PRIVATE KEY block");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException iie) {
        throw iie;
      }
      throw new InvalidInputException("Failed to read key '" + file + "': " + e.getMessage(), e);
    }
  }

  private static FileSigner loadPkcs12(Path file) {
    String pw = System.getenv("CUSTODY_KEY_PASSWORD");
    char[] password = pw == null ? new char[0] : pw.toCharArray();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
        String alias = e.nextElement();
        if (ks.isKeyEntry(alias)) {
          PrivateKey key = (PrivateKey) ks.getKey(alias, password);
          List<X509Certificate> chain = new ArrayList<>();
          for (Certificate c : ks.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
          }
          return new FileSigner(key, chain);
        }
      }
      throw new InvalidInputException("Failed to read key '" + file + "': no key entry in the PKCS#12 file");
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidInputException("Failed to read key '" + file + "': " + e.getMessage(), e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }
}
