package io.custody.evidence.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.ExitCode;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.sign.Pem;
import io.custody.evidence.verify.BundleVerifier;
import io.custody.evidence.verify.Finding;
import io.custody.evidence.verify.VerificationReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify BUNDLE.tar|DIR --trust CERT.pem [--json]}: checks a bundle offline and lists every
 * finding. Exit 0 only when every check passes, 1 otherwise; 2 when the bundle or a certificate
 * cannot be read at all.
 */
@Command(
    name = "verify",
    description = "Verify an evidence bundle offline: signature, every file, custody chain, evidence hashes.",
    mixinStandardHelpOptions = true,
    footerHeading = "%nExample:%n",
    footer = {"  custody-verify IR-2026-001.evb.tar --trust examiner.cert.pem", "  custody verify IR-2026-001.evb.tar --trust examiner.cert.pem"})
public final class VerifyCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle: its .tar, or its extracted folder.")
  Path bundle;

  @Option(names = "--trust", required = true, paramLabel = "CERT.pem",
      description = "Certificate(s) the signer must chain to: the examiner's, obtained through a channel you trust. Repeatable.")
  List<Path> trust = new ArrayList<>();

  @Option(names = "--tsa-trust", paramLabel = "CERT.pem", description = "Root(s) the time-stamp authority must chain to. Repeatable.")
  List<Path> tsaTrust = new ArrayList<>();

  @Option(names = "--tmp", paramLabel = "DIR", description = "Where to spool what a tar holds out of order (default: java.io.tmpdir).")
  Path tmp;

  @Override
  protected Output run() {
    if (!Files.exists(bundle)) {
      throw new InvalidInputException("Failed to verify '" + bundle + "': no such file or folder");
    }
    List<X509Certificate> anchors = new ArrayList<>();
    trust.forEach(p -> anchors.addAll(Pem.readCertificates(p)));
    List<X509Certificate> tsaAnchors = new ArrayList<>();
    tsaTrust.forEach(p -> tsaAnchors.addAll(Pem.readCertificates(p)));
    Path tmpDir = tmp != null ? tmp : Path.of(System.getProperty("java.io.tmpdir"));
    VerificationReport r;
    try (TerminalProgress bar = TerminalProgress.start("Verifying", -1)) {
      r = new BundleVerifier(anchors, tsaAnchors, tmpDir).verify(bundle, bar);
    }
    return new Output(r, out -> render(r, out), r.ok() ? ExitCode.OK : ExitCode.FINDINGS);
  }

  static void render(VerificationReport r, PrintWriter out) {
    out.printf("Bundle:      %s (%s)%n", r.bundleId() == null ? "?" : r.bundleId(), r.bundle());
    if (r.signer() != null) {
      var s = r.signer();
      out.printf("Signer:      %s%n", s.subject());
      out.printf("             SHA-256 %s%n", s.fingerprintSha256());
      out.printf("             %s, signed %s, signature %s, %s%n", s.algorithm(), s.signingTime(),
          s.signatureValid() ? "valid" : "INVALID", s.trusted() ? "trusted" : "NOT TRUSTED");
    }
    if (r.timestamp() != null) {
      var t = r.timestamp();
      out.printf("Time-stamp:  %s by %s (%s%s)%n", t.genTime(), t.tsa(), t.valid() ? "valid" : "INVALID",
          t.trusted() == null ? ", TSA root not checked" : t.trusted() ? ", trusted" : ", NOT TRUSTED");
    }
    out.printf("Checked:     %d files, %d items, %d custody entries, %s read%n", r.files(), r.items(), r.custodyEntries(), ByteSize.format(r.bytesRead()));
    if (!r.openIntents().isEmpty()) {
      out.printf("Incomplete:  sealed with custody entries %s begun and never recorded as finished (--allow-incomplete)%n", r.openIntents());
    }
    if (r.ok()) {
      out.println("Result:      VERIFIED");
      return;
    }
    out.printf("Result:      FAILED, %d finding%s%n", r.findings().size(), r.findings().size() == 1 ? "" : "s");
    for (Finding f : r.findings()) {
      out.println("  " + f);
    }
  }
}
