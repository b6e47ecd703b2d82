package io.custody.evidence.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.cms.CMSSignedData;

/**
 * The parts of a CMS SignedData that no signature covers: version, the digest-algorithm list, the
 * certificate and CRL sets, unsigned attributes. Custody writes them one way only, so anything else
 * means the file was changed; the certificate set must be exactly the expected chain.
 */
final class CmsStructure {

  private CmsStructure() {}

  static List<String> problems(CMSSignedData cms, int expectedVersion, List<byte[]> expectedCertificates) {
    List<String> out = new ArrayList<>();
    SignedData sd = SignedData.getInstance(cms.toASN1Structure().getContent());
    if (sd.getVersion().intValueExact() != expectedVersion) {
      out.add("SignedData version " + sd.getVersion() + ", expected " + expectedVersion);
    }
    Set<String> signerDigests = new HashSet<>();
    for (ASN1Encodable e : sd.getSignerInfos()) {
      SignerInfo si = SignerInfo.getInstance(e);
      signerDigests.add(der(si.getDigestAlgorithm()));
      if (si.getUnauthenticatedAttributes() != null) {
        out.add("a signer has unsigned attributes");
      }
      if (si.getVersion().intValueExact() != 1) {
        out.add("SignerInfo version " + si.getVersion() + ", expected 1");
      }
    }
    Set<String> listed = new HashSet<>();
    for (ASN1Encodable e : sd.getDigestAlgorithms()) {
      listed.add(der(e));
    }
    if (!listed.equals(signerDigests) || listed.size() != sd.getDigestAlgorithms().size()) {
      out.add("digest algorithm list does not match the signers");
    }
    if (sd.getCRLs() != null) {
      out.add("carries CRLs");
    }
    List<byte[]> carried = new ArrayList<>();
    ASN1Set certs = sd.getCertificates();
    if (certs != null) {
      for (ASN1Encodable e : certs) {
        carried.add(derBytes(e));
      }
    }
    if (!sameSet(carried, expectedCertificates)) {
      out.add("carries other certificates than the expected chain");
    }
    return out;
  }

  private static boolean sameSet(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Comparator<byte[]> cmp = Arrays::compare;
    List<byte[]> x = new ArrayList<>(a);
    List<byte[]> y = new ArrayList<>(b);
    x.sort(cmp);
    y.sort(cmp);
    for (int i = 0; i < x.size(); i++) {
      if (!Arrays.equals(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String der(ASN1Encodable e) {
    return java.util.HexFormat.of().formatHex(derBytes(e));
  }

  private static byte[] derBytes(ASN1Encodable e) {
    try {
      return e.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException ex) {
      throw new IllegalArgumentException(ex);
    }
  }
}
