package io.custody.collector.cli;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.contain.CredentialPlaybooks;
import io.custody.collector.contain.InstancePlaybook;
import io.custody.collector.contain.PlaybookReport;
import io.custody.collector.contain.StepStatus;
import io.custody.evidence.cli.CliCommand;
import io.custody.evidence.cli.Output;
import io.custody.evidence.ids.AccessKeyId;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code custody contain instance | access-key | role | bucket}: the containment playbooks. */
@Command(name = "contain", description = "Contain a compromised instance, access key, role or bucket (recorded, resumable, --dry-run).",
    mixinStandardHelpOptions = true, footerHeading = "%nExample:%n",
    footer = "  custody contain instance i-0123456789abcdef0 --case IR-2026-001 --ticket INC-4711 --allow-cidr 10.99.0.0/24",
    subcommands = {ContainCommand.Instance.class, ContainCommand.AccessKey.class, ContainCommand.Role.class, ContainCommand.Bucket.class})
final class ContainCommand {

  /** What every contain command shares: the case, AWS, and the report of the playbook's steps. */
  abstract static class Base extends CliCommand {
    @Mixin CaseOption kase;
    @Mixin AwsOptions aws;

    @Option(names = "--dry-run", description = "Print the plan (EC2 DryRun and IAM policy simulation where they answer); change nothing.")
    boolean dryRun;

    /** Runs a playbook in the case with an AWS session. */
    Output run(BiFunction<Case, AwsSession, PlaybookReport> playbook) {
      Case c = kase.load();
      c.toolLog(commandLine());
      PlaybookReport report;
      try (AwsSession session = aws.open()) {
        report = playbook.apply(c, session);
      }
      return new Output(report, out -> render(report, out), report.exitCode());
    }

    private static void render(PlaybookReport report, PrintWriter out) {
      long done = report.steps().stream().filter(s -> s.status() == StepStatus.DONE).count();
      long failed = report.steps().stream().filter(s -> s.status() == StepStatus.FAILED).count();
      long planned = report.steps().stream().filter(s -> s.status() == StepStatus.PLANNED).count();
      report.steps().forEach(s -> out.printf("%-8s %-22s %s%n", s.status().label(), s.name(), s.detail() == null ? "" : s.detail()));
      out.printf("%d done, %d planned, %d failed%n", done, planned, failed);
    }
  }

  @Command(name = "instance", description = "Capture, protect, isolate, detach, deregister, snapshot and tag an instance (or --release it).",
      mixinStandardHelpOptions = true, footerHeading = "%nExample:%n",
      footer = "  custody contain instance i-0123456789abcdef0 --case IR-2026-001 --ticket INC-4711 --allow-cidr 10.99.0.0/24")
  static final class Instance extends Base {
    @Parameters(index = "0", paramLabel = "INSTANCE_ID", description = "The compromised instance (i-…).")
    String instanceId;

    @Option(names = "--ticket", paramLabel = "TICKET", description = "The incident ticket, tagged on the instance and snapshots.")
    String ticket;

    @Option(names = "--allow-cidr", paramLabel = "CIDR", description = "Ingress the quarantine group admits (the forensic workstation). Repeatable.")
    List<String> allowCidrs = new ArrayList<>();

    @Option(names = "--detach-profile", description = "Also remove the instance's IAM instance profile.")
    boolean detachProfile;

    @Option(names = "--stop", description = "Also stop the instance (refused while a memory capture is unfinished, unless --force).")
    boolean stop;

    @Option(names = "--force", description = "With --stop: stop even though memory was not captured.")
    boolean force;

    @Option(names = "--release", description = "Undo the isolation: put back the security groups saved before it.")
    boolean release;

    @Override
    protected Output run() {
      InstanceId id = new InstanceId(instanceId);
      InstancePlaybook.Options o = new InstancePlaybook.Options(ticket, allowCidrs, detachProfile, stop, force, dryRun);
      return run((c, session) -> {
        InstancePlaybook p = new InstancePlaybook(c, session, id, o, Clock.systemUTC(), System.err);
        return release ? p.release() : p.contain();
      });
    }
  }

  @Command(name = "access-key", description = "Deactivate an access key (never delete), deny its user everything, record the user.",
      mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody contain access-key AKIAIOSFODNN7EXAMPLE --case IR-2026-001")
  static final class AccessKey extends Base {
    @Parameters(index = "0", paramLabel = "ACCESS_KEY_ID", description = "The leaked access key (AKIA…).")
    String key;

    @Override
    protected Output run() {
      AccessKeyId id = new AccessKeyId(key);
      return run((c, session) -> new CredentialPlaybooks(c, session, dryRun, Clock.systemUTC(), System.err).accessKey(id));
    }
  }

  @Command(name = "role", description = "Deny a role's sessions issued before now; record its trust and policies.", mixinStandardHelpOptions = true,
      footerHeading = "%nExample:%n", footer = "  custody contain role web-instance-role --case IR-2026-001")
  static final class Role extends Base {
    @Parameters(index = "0", paramLabel = "ROLE_NAME", description = "The role whose sessions are to be revoked.")
    String role;

    @Override
    protected Output run() {
      return run((c, session) -> new CredentialPlaybooks(c, session, dryRun, Clock.systemUTC(), System.err).role(role));
    }
  }

  @Command(name = "bucket", description = "Block public access to a bucket; record its policy, ACL and settings before and after.",
      mixinStandardHelpOptions = true, footerHeading = "%nExample:%n", footer = "  custody contain bucket acme-exposed-data --case IR-2026-001")
  static final class Bucket extends Base {
    @Parameters(index = "0", paramLabel = "BUCKET", description = "The bucket.")
    String bucket;

    @Override
    protected Output run() {
      return run((c, session) -> new CredentialPlaybooks(c, session, dryRun, Clock.systemUTC(), System.err).bucket(bucket));
    }
  }
}
