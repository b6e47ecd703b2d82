package io.custody.collector.cli;

import io.custody.collector.acquire.CloudTrailAcquisition;
import io.custody.collector.aws.AwsSession;
import io.custody.evidence.ByteSize;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.cli.TerminalProgress;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody acquire cloudtrail}: a trail bucket's CloudTrail log files into one log item of the case. */
@Command(name = "cloudtrail", mixinStandardHelpOptions = true,
    description = {"Copy the CloudTrail log files of a trail bucket into a case: one log item holding cloudtrail.tar (one entry per S3 object, "
        + "named by its key, bytes exactly as stored) and objects.json (key, size, ETag, version, time, SHA-256, MD5 check of each).",
        "Kept: .json.gz/.json objects under the prefix; left out and counted: CloudTrail-Digest and CloudTrail-Insight files, other "
            + "services' logs under AWSLogs/, anything else. Objects outside the AWSLogs/…/CloudTrail/REGION/YYYY/MM/DD/ layout are kept "
            + "whatever the dates. --since/--until select by the day folders of that layout (the UTC date of the time given). "
            + "Exit 1 when an object's bytes disagree with its MD5 ETag twice. Analyse it with: custody analyze cloudtrail --case CASE --item ITEM"},
    footerHeading = "%nExample:%n",
    footer = "  custody acquire cloudtrail --case IR-2026-001 --bucket acme-cloudtrail-123456789012 --since 2026-11-20")
final class AcquireCloudTrailCommand extends CliCommand {

  @Mixin CaseOption kase;
  @Mixin AwsOptions aws;

  @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "The bucket the trail delivers to.")
  String bucket;

  @Option(names = "--prefix", paramLabel = "PREFIX",
      description = "Key prefix to list (default AWSLogs/; a trail with an S3 key prefix P delivers under P/AWSLogs/).")
  String prefix;

  @Option(names = "--since", paramLabel = "TIME", converter = Times.Point.class,
      description = "Only log files filed under this day (UTC) or later in the key layout: " + Times.ACCEPTED + ".")
  Instant since;

  @Option(names = "--until", paramLabel = "TIME", converter = Times.Point.class,
      description = "Only log files filed under this day or earlier (inclusive; CloudTrail files events up to ~15 minutes late, "
          + "so events of a day's last minutes may be filed under the next day).")
  Instant until;

  @Option(names = "--max-object-size", paramLabel = "SIZE", description = "Refuse objects larger than this (default 1G).")
  String maxObjectSize;

  @Override
  protected Output run() {
    CloudTrailAcquisition.Request req = new CloudTrailAcquisition.Request(bucket, prefix, day(since), day(until),
        maxObjectSize == null ? 0 : ByteSize.parse(maxObjectSize));
    Case c = kase.load();
    c.toolLog(commandLine());
    CloudTrailAcquisition.Result r;
    try (TerminalProgress bar = TerminalProgress.start("Acquiring CloudTrail", -1); AwsSession session = aws.open()) {
      r = new CloudTrailAcquisition(c, session, bar, System.err).acquire(req);
    }
    return Output.ok(r, out -> render(r, out));
  }

  private static LocalDate day(Instant t) {
    return t == null ? null : LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  private static void render(CloudTrailAcquisition.Result r, PrintWriter o) {
    Texts.item(r.item(), o);
    o.println("objects     " + r.objects() + " CloudTrail log files (" + ByteSize.format(r.bytes()) + ") of " + r.listed() + " listed under "
        + r.source());
    o.println("md5         " + r.md5Checked() + " checked against their ETag, " + r.md5NotChecked() + " not (ETag no MD5: see objects.json)");
    if (r.undated() > 0) {
      o.println("undated     " + r.undated() + " outside the CloudTrail key layout, kept whatever the dates");
    }
    if (r.retried() > 0) {
      o.println("retried     " + r.retried() + " downloaded twice (see objects.json)");
    }
    o.println("left out    " + r.skipped());
  }
}
