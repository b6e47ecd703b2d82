package io.custody.collector.cli;

import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.sign.FileSigner;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody seal CASE --key --cert [--tsa URL] --out BUNDLE.tar}. */
@Command(name = "seal", description = "Seal a case into a signed EVB 1.0 evidence bundle (one tar).", mixinStandardHelpOptions = true)
final class SealCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(index = "0", paramLabel = "CASE")
  String caseId;

  @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "Examiner private key (PEM, or .p12 with CUSTODY_KEY_PASSWORD).")
  Path key;

  @Option(names = "--cert", required = true, paramLabel = "CERT.pem", description = "Examiner certificate (chain), signer first.")
  Path cert;

  @Option(names = "--tsa", paramLabel = "URL", description = "RFC 3161 time-stamping authority to stamp the signature.")
  URI tsa;

  @Option(names = "--out", required = true, paramLabel = "BUNDLE.tar", description = "The bundle to write (never overwritten).")
  Path out;

  @Option(names = "--allow-incomplete", description = "Seal even if an acquisition never finished (it is left out, and the seal entry says so).")
  boolean allowIncomplete;

  @Override
  public Integer call() {
    Case c = home.load(caseId);
    FileSigner signer = FileSigner.load(key, cert);
    c.toolLog("seal --out " + out.toAbsolutePath() + (tsa == null ? "" : " --tsa " + tsa));
    Sealer.Result r;
    try (Progress bar = Progress.start("Sealing " + caseId, -1)) {
      r = new Sealer(c, signer, tsa, allowIncomplete, bar).seal(out);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("bundle       " + r.bundle().toAbsolutePath());
    o.println("bundle id    " + r.bundleId());
    o.println("files        " + r.files() + " sealed");
    o.println("tar sha256   " + r.tarSha256() + " (" + r.tarSize() + " bytes)");
    o.println("signer       " + r.signerSubject());
    o.println("fingerprint  " + r.signerFingerprint());
    if (r.timestamp() != null) {
      o.println("time-stamp   " + r.timestamp());
    }
    o.flush();
    return 0;
  }
}
