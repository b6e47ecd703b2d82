package io.custody.collector.cli;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.contain.Sweep;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.ids.AccessKeyId;
import io.custody.evidence.workspace.Case;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code custody sweep}: what a principal or key created or changed since a time, in every region. */
@Command(name = "sweep", description = "Sweep every enabled region (or --regions) for what was made or changed since a time; record it in the case.",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n",
    footer = "  custody sweep --case IR-2026-001 --access-key AKIAIOSFODNN7EXAMPLE --since 2026-11-20")
final class SweepCommand extends CliCommand {

  @Mixin CaseOption kase;
  @Mixin AwsOptions aws;

  @Option(names = "--access-key", paramLabel = "ID", description = "The leaked access key.")
  String accessKey;

  @Option(names = "--principal", paramLabel = "ARN", description = "The compromised principal.")
  String principal;

  @Option(names = "--since", paramLabel = "TIME", converter = Times.Point.class,
      description = "Start of the window (default: 90 days ago): " + Times.ACCEPTED + ".")
  Instant since;

  @Option(names = "--regions", paramLabel = "all|r1,r2", defaultValue = "all", description = "Regions to sweep (default: every enabled region).")
  String regions;

  @Override
  protected Output run() {
    Sweep.Options o = new Sweep.Options(accessKey == null ? null : new AccessKeyId(accessKey), principal,
        since != null ? since : Instant.now().minus(Duration.ofDays(90)),
        regions.equals("all") ? null : Arrays.stream(regions.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    Case c = kase.load();
    c.toolLog(commandLine());
    Sweep.Result r;
    try (AwsSession session = aws.open()) {
      r = new Sweep(c, session, Clock.systemUTC(), System.err).run(o);
    }
    return Output.ok(r, out -> {
      for (Sweep.RegionResult rr : r.regions()) {
        out.printf("%-16s %-9s %s%n", rr.region(), rr.item(), rr.counts());
        rr.shared().forEach(s -> out.println("                 shared: " + s));
        rr.unanswered().forEach(u -> out.println("                 unanswered: " + u));
      }
    });
  }
}
