package io.custody.evidence.sign;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The Bouncy Castle provider, used by instance (never installed into the JVM-wide provider list). */
public final class Providers {

  public static final Provider BC = new BouncyCastleProvider();

  private Providers() {}
}
