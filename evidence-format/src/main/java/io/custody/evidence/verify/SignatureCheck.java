package io.custody.evidence.verify;

import io.custody.evidence.bundle.BundleLayout;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.sign.Providers;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;

/**
 * Checks {@code SHA256SUMS.p7s}: strict DER, a detached CMS SignedData whose every signer verifies
 * over {@code SHA256SUMS} with a certificate it carries, and whose signer chains to a trust anchor
 * at the signing time.
 */
final class SignatureCheck {

  private SignatureCheck() {}

  static SignerSummary check(byte[] sums, byte[] p7s, byte[] signerChainPem, List<X509Certificate> trust, List<Finding> findings) {
    String path = BundleLayout.SIGNATURE;
    if (!isDer(p7s)) {
      findings.add(new Finding("signature", path, "not a DER encoding (changed or re-encoded)"));
    }
    CMSSignedData sd;
    try {
      CMSSignedData alone = new CMSSignedData(p7s);
      if (alone.getSignedContent() != null) {
        findings.add(new Finding("signature", path, "signature is not detached"));
      }
      sd = new CMSSignedData(new CMSProcessableByteArray(sums), p7s);
    } catch (Exception e) {
      findings.add(new Finding("signature", path, "not a CMS SignedData: " + e.getMessage()));
      return null;
    }
    List<byte[]> expected = new ArrayList<>();
    if (signerChainPem != null) {
      try {
        for (X509Certificate c : Pem.parseCertificates(new String(signerChainPem, java.nio.charset.StandardCharsets.US_ASCII), BundleLayout.SIGNER_CHAIN)) {
          expected.add(c.getEncoded());
        }
      } catch (Exception e) {
        findings.add(new Finding("signature", BundleLayout.SIGNER_CHAIN, "unreadable: " + e.getMessage()));
      }
    }
    try {
      CmsStructure.problems(sd, 1, expected).forEach(p -> findings.add(new Finding("signature", path, p)));
    } catch (RuntimeException e) {
      findings.add(new Finding("signature", path, "malformed SignedData: " + e.getMessage()));
    }
    Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
    if (signers.isEmpty()) {
      findings.add(new Finding("signature", path, "no signer"));
      return null;
    }
    List<X509Certificate> carried = new ArrayList<>();
    try {
      @SuppressWarnings("unchecked")
      Collection<X509CertificateHolder> holders = sd.getCertificates().getMatches(null);
      for (X509CertificateHolder h : holders) {
        carried.add(new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(h));
      }
    } catch (Exception e) {
      findings.add(new Finding("signature", path, "unreadable certificate: " + e.getMessage()));
      return null;
    }
    SignerSummary first = null;
    for (SignerInformation si : signers) {
      SignerSummary s = checkSigner(si, sd, carried, trust, findings);
      if (first == null) {
        first = s;
      }
    }
    return first;
  }

  private static SignerSummary checkSigner(SignerInformation si, CMSSignedData sd, List<X509Certificate> carried, List<X509Certificate> trust, List<Finding> findings) {
    String path = BundleLayout.SIGNATURE;
    X509Certificate cert = null;
    for (X509Certificate c : carried) {
      try {
        if (si.getSID().match(new X509CertificateHolder(c.getEncoded()))) {
          cert = c;
          break;
        }
      } catch (Exception e) {
        // try the next one
      }
    }
    if (cert == null) {
      findings.add(new Finding("signature", path, "the signer's certificate is not in the signature"));
      return null;
    }
    boolean valid;
    try {
      valid = si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.BC).build(cert));
    } catch (Exception e) {
      valid = false;
    }
    if (!valid) {
      findings.add(new Finding("signature", path, "signature by " + Pem.subject(cert) + " does not verify over SHA256SUMS"));
    }
    Instant signingTime = signingTime(si);
    Date at = Date.from(signingTime != null ? signingTime : Instant.now());
    String why = trust.isEmpty() ? "no trust anchor given" : Trust.check(cert, carried, trust, at);
    if (why != null) {
      findings.add(new Finding("signer-trust", path, "signer " + Pem.subject(cert) + " (SHA-256 " + Pem.fingerprint(cert)
          + ") does not chain to the trusted certificate(s): " + why));
    }
    String alg;
    try {
      alg = new DefaultAlgorithmNameFinder().getAlgorithmName(si.getEncryptionAlgOID() == null ? null
          : new org.bouncycastle.asn1.ASN1ObjectIdentifier(si.getEncryptionAlgOID()));
    } catch (RuntimeException e) {
      alg = si.getEncryptionAlgOID();
    }
    return new SignerSummary(Pem.subject(cert), cert.getIssuerX500Principal().getName(), cert.getSerialNumber().toString(16),
        Pem.fingerprint(cert), alg, signingTime == null ? null : signingTime.toString(), valid, why == null);
  }

  static Instant signingTime(SignerInformation si) {
    if (si.getSignedAttributes() == null) {
      return null;
    }
    Attribute a = si.getSignedAttributes().get(CMSAttributes.signingTime);
    if (a == null || a.getAttrValues().size() != 1) {
      return null;
    }
    try {
      return Time.getInstance(a.getAttrValues().getObjectAt(0)).getDate().toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** True when the bytes are one ASN.1 object in DER, with nothing after it. */
  static boolean isDer(byte[] bytes) {
    try {
      return Arrays.equals(ASN1Primitive.fromByteArray(bytes).getEncoded(ASN1Encoding.DER), bytes);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
