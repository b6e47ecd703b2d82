package io.custody.collector.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.collector.acquire.CaptureSetup;
import io.custody.collector.aws.AwsSession;
import io.custody.evidence.Sha256;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.lime.ModuleLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody lime publish DIR --bucket B}: built modules into the capture bucket's module library. */
@Command(name = "publish", description = {"Store built modules in the module library: s3://BUCKET/lime/<release>/lime.ko and its SHA-256.",
    "The kernel's btf, isf.json and symbols.json that lime build left beside a module go with it, after checking them against the SHA-256 symbols.json records;",
    "an avml/avml of the folder (lime build --avml) goes to s3://BUCKET/lime/avml/avml."},
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody lime publish lime-modules --bucket acme-forensic-capture")
final class LimePublishCommand extends CliCommand {

  @Mixin AwsOptions aws;

  @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "The bucket of the module library (the capture bucket).")
  String bucket;

  @Parameters(index = "0", paramLabel = "DIR", description = "A folder of <release>/lime.ko and avml/avml (as lime build makes it), or one holding lime.ko.")
  Path dir;

  /** What {@code --json} prints. */
  record Published(@JsonProperty("bucket") String bucket, @JsonProperty("modules") List<ModuleLibrary.Entry> modules,
      @JsonProperty("avml_sha256") Sha256 avml) {}

  @Override
  protected Output run() {
    List<ModuleLibrary.Entry> done;
    Sha256 avml = null;
    try (AwsSession session = aws.open()) {
      CaptureSetup setup = new CaptureSetup(session);
      done = setup.publish(bucket, dir);
      if (Files.isRegularFile(dir.resolve(ModuleLibrary.AVML_FILE))) {
        avml = setup.avml(bucket).orElse(null);
      }
    }
    Sha256 a = avml;
    return Output.ok(new Published(bucket, done, a), o -> {
      done.forEach(e -> {
        o.println("published   s3://" + bucket + "/" + e.key() + "  sha256 " + e.sha256());
        e.kernelFiles().forEach(f -> o.println("published   s3://" + bucket + "/" + ModuleLibrary.PREFIX + e.release().value() + "/" + f));
      });
      if (a != null) {
        o.println("published   s3://" + bucket + "/" + ModuleLibrary.AVML_KEY + "  sha256 " + a);
      }
    });
  }
}
