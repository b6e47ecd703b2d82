package io.custody.collector.cli;

import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.contain.Sweep;
import io.custody.collector.ids.AccessKeyId;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.internal.Json;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody sweep}: what a principal or key created or changed since a time, in every region. */
@Command(name = "sweep", description = "Sweep every enabled region (or --regions) for what was made or changed since a time; record it in the case.",
    mixinStandardHelpOptions = true)
final class SweepCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HomeOption home;
  @Mixin AwsOptions aws;

  @Option(names = "--case", required = true, paramLabel = "CASE")
  String caseId;

  @Option(names = "--access-key", paramLabel = "ID", description = "The leaked access key.")
  String accessKey;

  @Option(names = "--principal", paramLabel = "ARN", description = "The compromised principal.")
  String principal;

  @Option(names = "--since", paramLabel = "ISO-8601", description = "Start of the window, e.g. 2026-11-20T00:00:00Z (default: 90 days ago).")
  String since;

  @Option(names = "--regions", paramLabel = "all|r1,r2", defaultValue = "all", description = "Regions to sweep (default: every enabled region).")
  String regions;

  @Option(names = "--json", description = "Print the sweep summary as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Instant from;
    try {
      from = since == null ? Instant.now().minus(java.time.Duration.ofDays(90)) : Instant.parse(since);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("Failed to parse --since '" + since + "': use ISO-8601 UTC such as 2026-11-20T00:00:00Z");
    }
    List<String> list = regions.equals("all") ? null : Arrays.stream(regions.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    Case kase = home.load(caseId);
    kase.toolLog("sweep " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    Sweep.Result r;
    try (AwsSession session = AwsSession.open(new AwsConfig(aws.region(), aws.profile(), aws.endpoint()))) {
      r = new Sweep(kase, session, Clock.systemUTC(), System.err)
          .run(new Sweep.Options(accessKey == null ? null : new AccessKeyId(accessKey), principal, from, list));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.writeString(r));
    } else {
      for (Sweep.RegionResult rr : r.regions()) {
        out.printf("%-16s %-9s %s%n", rr.region(), rr.item(), rr.counts());
        rr.shared().forEach(s -> out.println("                 shared: " + s));
        rr.unanswered().forEach(u -> out.println("                 unanswered: " + u));
      }
    }
    out.flush();
    return 0;
  }
}
