package io.custody.evidence.bundle;

import java.util.Set;

/** The fixed paths of an EVB 1.0 bundle, relative to its top folder. */
public final class BundleLayout {

  public static final String FORMAT = "EVB";
  public static final String FORMAT_VERSION = "1.0";

  public static final String VERIFY_TXT = "VERIFY.txt";
  public static final String SHA256SUMS = "SHA256SUMS";
  public static final String SIGNATURE = "SHA256SUMS.p7s";
  public static final String TIMESTAMP = "SHA256SUMS.p7s.tsr";
  public static final String MANIFEST = "manifest.json";
  public static final String UCO = "case/case-uco.jsonld";
  public static final String TRUST_ANCHOR = "certs/trust-anchor.pem";
  public static final String SIGNER_CHAIN = "certs/signer-chain.pem";
  public static final String TSA_CHAIN = "certs/tsa-chain.pem";
  public static final String CUSTODY_DIR = "custody";
  public static final String VERSION_JSON = "tool/version.json";
  public static final String CONFIG_JSON = "tool/config.json";
  public static final String TOOL_DIR = "tool";

  /**
   * Files that SHA256SUMS cannot cover: SHA256SUMS itself, its signature and the time-stamp over the
   * signature with the TSA's chain. Every other file is sealed.
   */
  public static final Set<String> UNSEALED = Set.of(SHA256SUMS, SIGNATURE, TIMESTAMP, TSA_CHAIN);

  /** Files every bundle must hold. */
  public static final Set<String> REQUIRED = Set.of(VERIFY_TXT, SHA256SUMS, SIGNATURE, MANIFEST, UCO, TRUST_ANCHOR, SIGNER_CHAIN);

  private BundleLayout() {}
}
