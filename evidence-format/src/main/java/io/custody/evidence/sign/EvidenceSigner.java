package io.custody.evidence.sign;

import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Signs bundles. Implementations hold the key wherever it lives: a local PEM or PKCS#12 file ({@link
 * FileSigner}) or a KMS asymmetric key (the private key never leaves KMS). The format does not care
 * which: the signature ends up in a CMS SignedData either way.
 */
public interface EvidenceSigner {

  /** The signer's certificate first, then any intermediates (not needed for a self-signed key). */
  List<X509Certificate> chain();

  /** The signature algorithm, e.g. ecdsa-with-SHA256 or RSASSA-PSS with its parameters. */
  AlgorithmIdentifier signatureAlgorithm();

  /**
   * Signs {@code data} (the DER of the CMS signed attributes; the signer hashes it itself).
   *
   * @throws io.custody.evidence.CustodyException when the key refuses
   */
  byte[] sign(byte[] data);
}
