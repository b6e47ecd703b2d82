package io.custody.evidence.verify;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Does a certificate chain to one of the given anchors, at a given time? */
final class Trust {

  private Trust() {}

  /**
   * @return null when it chains, else why not
   */
  static String check(X509Certificate target, List<X509Certificate> intermediates, List<X509Certificate> anchors, Date at) {
    try {
      for (X509Certificate a : anchors) {
        if (Arrays.equals(a.getEncoded(), target.getEncoded())) {
          target.checkValidity(at);
          return null;
        }
      }
      Set<TrustAnchor> ta = new HashSet<>();
      anchors.forEach(a -> ta.add(new TrustAnchor(a, null)));
      X509CertSelector sel = new X509CertSelector();
      sel.setCertificate(target);
      PKIXBuilderParameters params = new PKIXBuilderParameters(ta, sel);
      params.setRevocationEnabled(false);
      params.setDate(at);
      List<X509Certificate> pool = new java.util.ArrayList<>(intermediates);
      pool.add(target);
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      CertPathBuilder.getInstance("PKIX").build(params);
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      // A hostile certificate can make the JDK's path builder throw anything.
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }
}
