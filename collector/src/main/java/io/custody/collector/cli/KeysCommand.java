package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code custody keys init}: a new examiner key and self-signed certificate. */
@Command(name = "keys", description = "Examiner signing keys.", mixinStandardHelpOptions = true, subcommands = KeysCommand.Init.class,
    footerHeading = "%nExample:%n", footer = "  custody keys init --dir ~/.custody --subject 'CN=Jane Doe,O=ACME IR'")
final class KeysCommand {

  @Command(name = "init", description = "Create DIR/examiner.key.pem (PKCS#8, mode 0600) and DIR/examiner.cert.pem (self-signed X.509).",
      mixinStandardHelpOptions = true, footerHeading = "%nExample:%n",
      footer = "  custody keys init --dir ~/.custody --subject 'CN=Jane Doe,O=ACME IR' --algorithm ec-p384")
  static final class Init extends CliCommand {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to write the key and certificate.")
    Path dir;

    @Option(names = "--subject", required = true, paramLabel = "DN", description = "Certificate subject, e.g. 'CN=Jane Doe,O=ACME IR'.")
    String subject;

    @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "ec-p256", description = "ec-p256 (default), ec-p384 or rsa-pss-3072.")
    String algorithm;

    @Option(names = "--days", paramLabel = "DAYS", defaultValue = "" + ExaminerKeys.DEFAULT_DAYS,
        description = "Certificate validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    /** What {@code --json} prints. */
    record Created(@JsonProperty("key") String key, @JsonProperty("certificate") String certificate, @JsonProperty("subject") String subject,
        @JsonProperty("sha256") String sha256, @JsonProperty("valid_until") String validUntil) {}

    @Override
    protected Output run() {
      ExaminerKeys.Created c = ExaminerKeys.init(dir, subject, KeyAlgorithm.parse(algorithm), days, Clock.systemUTC());
      Created r = new Created(c.key().toString(), c.certificate().toString(), Pem.subject(c.cert()), Pem.fingerprint(c.cert()),
          c.cert().getNotAfter().toInstant().toString());
      return Output.ok(r, out -> {
        out.println("key          " + r.key());
        out.println("certificate  " + r.certificate());
        out.println("subject      " + r.subject());
        out.println("sha256       " + r.sha256());
        out.println("valid until  " + r.validUntil());
      });
    }
  }
}
