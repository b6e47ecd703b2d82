package io.custody.collector.cli;

import io.custody.collector.acquire.CaptureSetup;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.SsmGateway;
import io.custody.evidence.Json;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.lime.capture.CaptureDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody lime install-document}: the capture document in SSM (or printed with --print). */
@Command(name = "install-document", description = "Create or update the " + CaptureDocument.NAME + " SSM document (a new default version when it changed).",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody lime install-document --region eu-west-1")
final class LimeInstallDocumentCommand extends CliCommand {

  @Mixin AwsOptions aws;

  @Option(names = "--print", description = "Print the document's JSON instead of installing it (no AWS call).")
  boolean print;

  @Override
  protected Output run() {
    if (print) {
      return Output.ok(readTree(CaptureDocument.content()), o -> o.print(CaptureDocument.content()));
    }
    SsmGateway.DocumentVersion v;
    try (AwsSession session = aws.open()) {
      v = new CaptureSetup(session).installDocument();
    }
    return Output.ok(v, o -> {
      o.println("document    " + v.name() + " version " + v.version() + (v.changed() ? " (installed)" : " (already current)"));
      o.println("sha256      " + v.sha256());
    });
  }

  private static Object readTree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the bundled capture document is not JSON", e);
    }
  }
}
