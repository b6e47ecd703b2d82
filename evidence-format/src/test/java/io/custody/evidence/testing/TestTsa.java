package io.custody.evidence.testing;

import com.sun.net.httpserver.HttpServer;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.sign.Providers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A real RFC 3161 time-stamping authority on loopback for tests: its own root CA and a TSA
 * certificate with the critical timeStamping usage, answering application/timestamp-query POSTs.
 */
public final class TestTsa implements AutoCloseable {

  private final HttpServer server;
  private final X509Certificate root;
  private final X509Certificate tsaCert;
  private final AtomicLong serial = new AtomicLong(1);

  public TestTsa() throws Exception {
    KeyPair rootKeys = ec();
    KeyPair tsaKeys = ec();
    Instant now = Instant.now();
    X500Name rootName = new X500Name("CN=Custody Test TSA Root");
    root = cert(rootName, rootKeys, rootName, rootKeys, now, true);
    tsaCert = cert(new X500Name("CN=Custody Test TSA"), tsaKeys, rootName, rootKeys, now, false);
    var signerInfo = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(Providers.BC).build())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Providers.BC).build(tsaKeys.getPrivate()), tsaCert);
    TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(signerInfo,
        new JcaDigestCalculatorProviderBuilder().setProvider(Providers.BC).build().get(
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1)),
        new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.4146.2.3"));
    tokens.addCertificates(new JcaCertStore(List.of(tsaCert, root)));
    TimeStampResponseGenerator responses = new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/tsa", ex -> {
      try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
        TimeStampRequest req = new TimeStampRequest(in.readAllBytes());
        byte[] resp = responses.generate(req, BigInteger.valueOf(serial.getAndIncrement()), new Date()).getEncoded();
        ex.getResponseHeaders().add("Content-Type", "application/timestamp-reply");
        ex.sendResponseHeaders(200, resp.length);
        out.write(resp);
      } catch (Exception e) {
        ex.sendResponseHeaders(500, -1);
      }
    });
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tsa");
  }

  public X509Certificate root() {
    return root;
  }

  /** Writes the TSA root as PEM into {@code file}. */
  public Path writeRoot(Path file) throws IOException {
    Files.writeString(file, Pem.write(List.of(root)), StandardCharsets.US_ASCII);
    return file;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private X509Certificate cert(X500Name subject, KeyPair keys, X500Name issuer, KeyPair issuerKeys, Instant now, boolean ca) throws Exception {
    var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(now.minus(Duration.ofDays(1))),
        Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
    if (ca) {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    }
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Providers.BC).build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(b.build(signer));
  }
}
