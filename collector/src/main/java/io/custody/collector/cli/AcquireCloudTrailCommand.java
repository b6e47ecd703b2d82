package io.custody.collector.cli;

import io.custody.collector.acquire.CloudTrailAcquisition;
import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.evidence.ByteSize;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.internal.Json;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code custody acquire cloudtrail}: a trail bucket's CloudTrail log files into one log item of the case. */
@Command(name = "cloudtrail", mixinStandardHelpOptions = true,
    description = {"Copy the CloudTrail log files of a trail bucket into a case: one log item holding cloudtrail.tar (one entry per S3 object, "
        + "named by its key, bytes exactly as stored) and objects.json (key, size, ETag, version, time, SHA-256, MD5 check of each).",
        "Kept: .json.gz/.json objects under the prefix; left out and counted: CloudTrail-Digest and CloudTrail-Insight files, other "
            + "services' logs under AWSLogs/, anything else. Objects outside the AWSLogs/…/CloudTrail/REGION/YYYY/MM/DD/ layout are kept "
            + "whatever the dates. Analyse it with: custody analyze cloudtrail --case CASE --item ITEM"},
    footer = {"", "Exit codes: 0 acquired, 1 an object's bytes disagree with its MD5 ETag twice, 2 usage or nothing to acquire, "
        + "3 AWS refused (or a download failed twice), 5 host."})
final class AcquireCloudTrailCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HomeOption home;
  @Mixin AwsOptions aws;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @Option(names = "--bucket", required = true, paramLabel = "BUCKET", description = "The bucket the trail delivers to.")
  String bucket;

  @Option(names = "--prefix", paramLabel = "PREFIX",
      description = "Key prefix to list (default AWSLogs/; a trail with an S3 key prefix P delivers under P/AWSLogs/).")
  String prefix;

  @Option(names = "--since", paramLabel = "DATE",
      description = "Only log files filed under this date (UTC, YYYY-MM-DD) or later in the key layout.")
  String since;

  @Option(names = "--until", paramLabel = "DATE",
      description = "Only log files filed under this date or earlier (inclusive; CloudTrail files events up to ~15 minutes late, "
          + "so events of a day's last minutes may be filed under the next day).")
  String until;

  @Option(names = "--max-object-size", paramLabel = "SIZE", description = "Refuse objects larger than this (default 1G).")
  String maxObjectSize;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    CloudTrailAcquisition.Request req = new CloudTrailAcquisition.Request(bucket, prefix, date("--since", since), date("--until", until),
        maxObjectSize == null ? 0 : ByteSize.parse(maxObjectSize));
    Case kase = home.load(caseId);
    kase.toolLog("acquire cloudtrail " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    CloudTrailAcquisition.Result r;
    try (Progress bar = Progress.start("Acquiring CloudTrail", -1);
        AwsSession session = AwsSession.open(new AwsConfig(aws.region(), aws.profile(), aws.endpoint()))) {
      r = new CloudTrailAcquisition(kase, session, bar, System.err).acquire(req);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.print(Json.writeString(r));
    } else {
      CaseCommand.printItem(r.item(), o);
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
    o.flush();
    return 0;
  }

  private static LocalDate date(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("Failed to parse " + option + " '" + value + "': expected a date, YYYY-MM-DD");
    }
  }
}
