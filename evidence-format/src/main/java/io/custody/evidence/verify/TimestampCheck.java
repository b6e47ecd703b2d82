package io.custody.evidence.verify;

import io.custody.evidence.bundle.BundleLayout;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.sign.Providers;
import io.custody.evidence.sign.TimeStamper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Checks {@code SHA256SUMS.p7s.tsr}: a granted RFC 3161 response in DER whose imprint is the hash of
 * the signature file, signed by the TSA certificate it carries (with the timeStamping usage), whose
 * certificates are those in {@code certs/tsa-chain.pem}, and, when TSA anchors are given, chaining to
 * one of them.
 */
final class TimestampCheck {

  private static final Map<ASN1ObjectIdentifier, String> IMPRINT = Map.of(
      NISTObjectIdentifiers.id_sha256, "SHA-256",
      NISTObjectIdentifiers.id_sha384, "SHA-384",
      NISTObjectIdentifiers.id_sha512, "SHA-512");

  private TimestampCheck() {}

  static TimestampSummary check(byte[] tsr, byte[] p7s, byte[] tsaChainPem, List<X509Certificate> tsaTrust, List<Finding> findings) {
    String path = BundleLayout.TIMESTAMP;
    if (!SignatureCheck.isDer(tsr)) {
      findings.add(new Finding("timestamp", path, "not a DER encoding (changed or re-encoded)"));
    }
    try {
      TimeStampResponse resp = new TimeStampResponse(tsr);
      TimeStampToken token = resp.getTimeStampToken();
      if (token == null) {
        findings.add(new Finding("timestamp", path, "no time-stamp token (status " + resp.getStatus() + ")"));
        return null;
      }
      if (resp.getStatus() != 0 || resp.getStatusString() != null || resp.getFailInfo() != null) {
        findings.add(new Finding("timestamp", path, "status is not a plain 'granted' (Custody keeps no status text)"));
      }
      var info = token.getTimeStampInfo();
      String alg = IMPRINT.get(info.getMessageImprintAlgOID());
      if (alg == null) {
        findings.add(new Finding("timestamp", path, "unsupported imprint algorithm " + info.getMessageImprintAlgOID()));
      } else if (!Arrays.equals(MessageDigest.getInstance(alg).digest(p7s), info.getMessageImprintDigest())) {
        findings.add(new Finding("timestamp", path, "the time-stamp is not over this SHA256SUMS.p7s"));
      }
      List<X509Certificate> certs = TimeStamper.certificates(token);
      X509Certificate signer = TimeStamper.signerOf(token, certs);
      boolean valid = true;
      try {
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.BC).build(signer));
      } catch (Exception e) {
        valid = false;
        findings.add(new Finding("timestamp", path, "token does not verify: " + e.getMessage()));
      }
      List<byte[]> expected = new java.util.ArrayList<>();
      for (X509Certificate c : certs) {
        expected.add(c.getEncoded());
      }
      CmsStructure.problems(token.toCMSSignedData(), 3, expected).forEach(p -> findings.add(new Finding("timestamp", path, p)));
      if (tsaChainPem != null && !Arrays.equals(tsaChainPem, Pem.write(certs).getBytes(StandardCharsets.US_ASCII))) {
        // Compared byte for byte: the file is outside SHA256SUMS, so nothing else guards it.
        findings.add(new Finding("timestamp", BundleLayout.TSA_CHAIN, "does not hold exactly the certificates of the time-stamp token"));
      }
      Boolean trusted = null;
      if (!tsaTrust.isEmpty()) {
        String why = Trust.check(signer, certs, tsaTrust, info.getGenTime());
        trusted = why == null;
        if (why != null) {
          findings.add(new Finding("timestamp", path, "TSA " + Pem.subject(signer) + " does not chain to the trusted TSA certificate(s): " + why));
        }
      }
      return new TimestampSummary(info.getGenTime().toInstant().toString(), Pem.subject(signer), Pem.fingerprint(signer), valid, trusted);
    } catch (Exception e) {
      findings.add(new Finding("timestamp", path, "unreadable time-stamp: " + e.getMessage()));
      return null;
    }
  }
}
