package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.bundle.Sealer;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.sign.FileSigner;
import io.custody.evidence.workspace.Case;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody seal --case CASE --key --cert [--tsa URL] --out BUNDLE.tar}. */
@Command(name = "seal", description = "Seal a case into a signed EVB 1.0 evidence bundle (one tar).", mixinStandardHelpOptions = true,
    footerHeading = "%nExample:%n",
    footer = "  custody seal --case IR-2026-001 --key ~/.custody/examiner.key.pem --cert ~/.custody/examiner.cert.pem --out IR-2026-001.evb.tar")
final class SealCommand extends CliCommand {

  @Mixin CaseOption kase;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CASE", description = "The case id (deprecated: use --case).")
  String positional;

  @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "Examiner private key (PEM, or .p12 with CUSTODY_KEY_PASSWORD).")
  Path key;

  @Option(names = "--cert", required = true, paramLabel = "CERT.pem", description = "Examiner certificate (chain), signer first.")
  Path cert;

  @Option(names = "--tsa", paramLabel = "URL", description = "RFC 3161 time-stamping authority to stamp the signature.")
  URI tsa;

  @Option(names = "--out", required = true, paramLabel = "BUNDLE.tar", description = "The bundle to write (never overwritten).")
  Path out;

  @Option(names = "--allow-incomplete", description = "Seal even if an acquisition or another action never finished: unfinished "
      + "acquisitions are left out; actions begun and never recorded as finished are listed in manifest.json (custody.open_intents), "
      + "VERIFY.txt and the seal entry.")
  boolean allowIncomplete;

  /** What {@code --json} prints. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Sealed(@JsonProperty("bundle") String bundle, @JsonProperty("bundle_id") String bundleId, @JsonProperty("files") int files,
      @JsonProperty("tar_sha256") String tarSha256, @JsonProperty("tar_size") long tarSize, @JsonProperty("signer") String signer,
      @JsonProperty("fingerprint") String fingerprint, @JsonProperty("timestamp") String timestamp) {}

  @Override
  protected Output run() {
    Case c = kase.load(positional);
    FileSigner signer = FileSigner.load(key, cert);
    c.toolLog(commandLine());
    Sealer.Result r;
    try (TerminalProgress bar = TerminalProgress.start("Sealing " + c.id(), -1)) {
      r = new Sealer(c, signer, tsa, allowIncomplete, bar).seal(out);
    }
    Sealed s = new Sealed(r.bundle().toAbsolutePath().toString(), r.bundleId(), r.files(), r.tarSha256().hex(), r.tarSize(), r.signerSubject(),
        r.signerFingerprint(), r.timestamp() == null ? null : r.timestamp().toString());
    return Output.ok(s, o -> {
      o.println("bundle       " + s.bundle());
      o.println("bundle id    " + s.bundleId());
      o.println("files        " + s.files() + " sealed");
      o.println("tar sha256   " + s.tarSha256() + " (" + s.tarSize() + " bytes)");
      o.println("signer       " + s.signer());
      o.println("fingerprint  " + s.fingerprint());
      if (s.timestamp() != null) {
        o.println("time-stamp   " + s.timestamp());
      }
    });
  }
}
