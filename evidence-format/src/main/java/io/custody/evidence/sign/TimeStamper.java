package io.custody.evidence.sign;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.HostException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * RFC 3161 client: asks a time-stamping authority to stamp the SHA-256 of some bytes (the {@code
 * .p7s}), with a nonce and the TSA certificate requested, and checks the answer before keeping it.
 */
public final class TimeStamper {

  private static final int MAX_RESPONSE = 1 << 20;

  private TimeStamper() {}

  /** A checked time-stamp response. */
  public record Stamp(byte[] response, List<X509Certificate> tsaCertificates, Instant genTime) {}

  /**
   * @throws HostException when the TSA cannot be reached
   * @throws InvalidInputException when the TSA answers with an error or an answer that does not check
   */
  public static Stamp stamp(URI tsa, byte[] data) {
    byte[] digest = io.custody.evidence.Sha256.digest(data).bytes();
    TimeStampRequestGenerator g = new TimeStampRequestGenerator();
    g.setCertReq(true);
    TimeStampRequest req = g.generate(TSPAlgorithms.SHA256, digest, new BigInteger(63, new SecureRandom()));
    byte[] body;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
      HttpResponse<InputStream> resp =
          client.send(
              HttpRequest.newBuilder(tsa)
                  .timeout(Duration.ofSeconds(60))
                  .header("Content-Type", "application/timestamp-query")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(req.getEncoded()))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        body = in.readNBytes(MAX_RESPONSE + 1);
      }
      if (resp.statusCode() != 200) {
        throw new InvalidInputException("Failed to time-stamp with '" + tsa + "': HTTP " + resp.statusCode());
      }
    } catch (IOException e) {
      throw new HostException("Failed to time-stamp with '" + tsa + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostException("Failed to time-stamp with '" + tsa + "': interrupted", e);
    }
    if (body.length > MAX_RESPONSE) {
      throw new InvalidInputException("Failed to time-stamp with '" + tsa + "': response larger than " + MAX_RESPONSE + " bytes");
    }
    return check(tsa.toString(), req, body);
  }

  static Stamp check(String tsa, TimeStampRequest req, byte[] body) {
    try {
      TimeStampResponse resp = new TimeStampResponse(body);
      resp.validate(req);
      TimeStampToken token = resp.getTimeStampToken();
      if (token == null) {
        throw new InvalidInputException("Failed to time-stamp with '" + tsa + "': status " + resp.getStatus() + " " + resp.getStatusString());
      }
      List<X509Certificate> certs = certificates(token);
      X509Certificate signer = signerOf(token, certs);
      token.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.BC).build(signer));
      return new Stamp(canonical(token), certs, token.getTimeStampInfo().getGenTime().toInstant());
    } catch (TSPException | IOException | org.bouncycastle.operator.OperatorCreationException | CertificateException e) {
      throw new InvalidInputException("Failed to time-stamp with '" + tsa + "': " + e.getMessage(), e);
    }
  }

  /**
   * The response as kept in a bundle: the TSA's token, byte for byte, in a granted response without
   * the TSA's free-text status, so that nothing unsigned but the token's certificates remains (and
   * those are pinned by certs/tsa-chain.pem).
   */
  static byte[] canonical(TimeStampToken token) throws IOException {
    return new TimeStampResp(new PKIStatusInfo(PKIStatus.granted), token.toCMSSignedData().toASN1Structure()).getEncoded(ASN1Encoding.DER);
  }

  /** The certificates a token carries. */
  public static List<X509Certificate> certificates(TimeStampToken token) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Collection<X509CertificateHolder> holders = token.getCertificates().getMatches(null);
    for (X509CertificateHolder h : holders) {
      out.add(new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(h));
    }
    return out;
  }

  /** The certificate among {@code certs} that signed the token. */
  public static X509Certificate signerOf(TimeStampToken token, List<X509Certificate> certs) throws CertificateException {
    for (X509Certificate c : certs) {
      try {
        if (token.getSID().match(new X509CertificateHolder(c.getEncoded()))) {
          return c;
        }
      } catch (IOException e) {
        throw new CertificateException(e);
      }
    }
    throw new CertificateException("the token does not carry its signer's certificate (ask the TSA with certReq)");
  }
}
