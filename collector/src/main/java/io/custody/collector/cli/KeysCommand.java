package io.custody.collector.cli;

import io.custody.evidence.sign.ExaminerKeys;
import io.custody.evidence.sign.KeyAlgorithm;
import io.custody.evidence.sign.Pem;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody keys init}: a new examiner key and self-signed certificate. */
@Command(name = "keys", description = "Examiner signing keys.", mixinStandardHelpOptions = true, subcommands = KeysCommand.Init.class)
final class KeysCommand {

  @Command(name = "init", description = "Create DIR/examiner.key.pem (PKCS#8, mode 0600) and DIR/examiner.cert.pem (self-signed X.509).",
      mixinStandardHelpOptions = true)
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to write the key and certificate.")
    Path dir;

    @Option(names = "--subject", required = true, paramLabel = "DN", description = "Certificate subject, e.g. 'CN=Jane Doe,O=ACME IR'.")
    String subject;

    @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "ec-p256", description = "ec-p256 (default), ec-p384 or rsa-pss-3072.")
    String algorithm;

    @Option(names = "--days", defaultValue = "" + ExaminerKeys.DEFAULT_DAYS, description = "Certificate validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
      ExaminerKeys.Created c = ExaminerKeys.init(dir, subject, KeyAlgorithm.parse(algorithm), days, Clock.systemUTC());
      var out = spec.commandLine().getOut();
      out.println("key          " + c.key());
      out.println("certificate  " + c.certificate());
      out.println("subject      " + Pem.subject(c.cert()));
      out.println("sha256       " + Pem.fingerprint(c.cert()));
      out.println("valid until  " + c.cert().getNotAfter().toInstant());
      out.flush();
      return 0;
    }
  }
}
