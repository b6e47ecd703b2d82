package io.custody.evidence.sign;

import io.custody.evidence.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.Date;
import java.util.Hashtable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Detached CMS SignedData (DER) over a byte string, signer chain embedded, with signed attributes
 * content-type, message-digest, signing-time and CMS algorithm protection: what {@code openssl cms
 * -verify -binary -inform DER} checks.
 */
public final class CmsSigner {

  private CmsSigner() {}

  /**
   * @param signingTime the signing-time attribute (the seal time)
   */
  public static byte[] signDetached(byte[] content, EvidenceSigner signer, Instant signingTime) {
    try {
      Hashtable<org.bouncycastle.asn1.ASN1ObjectIdentifier, Attribute> attrs = new Hashtable<>();
      attrs.put(CMSAttributes.signingTime, new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
      SignerInfoGenerator sig =
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(Providers.BC).build())
              .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attrs)))
              .build(new Adapter(signer), signer.chain().get(0));
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(sig);
      gen.addCertificates(new JcaCertStore(signer.chain()));
      CMSSignedData sd = gen.generate(new CMSProcessableByteArray(content), false);
      return sd.getEncoded(ASN1Encoding.DER);
    } catch (CMSException | OperatorCreationException | CertificateEncodingException | IOException e) {
      throw new InvalidInputException("Failed to sign SHA256SUMS: " + e.getMessage(), e);
    }
  }

  /** Lets any {@link EvidenceSigner} (file or KMS) act as a Bouncy Castle content signer. */
  private static final class Adapter implements ContentSigner {
    private final EvidenceSigner signer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    Adapter(EvidenceSigner signer) {
      this.signer = signer;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return signer.signatureAlgorithm();
    }

    @Override
    public OutputStream getOutputStream() {
      return buffer;
    }

    @Override
    public byte[] getSignature() {
      return signer.sign(buffer.toByteArray());
    }
  }
}
