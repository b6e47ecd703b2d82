package io.custody.collector.cli;

import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.contain.CredentialPlaybooks;
import io.custody.collector.contain.InstancePlaybook;
import io.custody.collector.contain.PlaybookReport;
import io.custody.collector.contain.StepStatus;
import io.custody.collector.ids.AccessKeyId;
import io.custody.collector.ids.InstanceId;
import io.custody.evidence.internal.Json;
import io.custody.evidence.workspace.Case;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code custody contain instance | access-key | role | bucket}: the containment playbooks. */
@Command(name = "contain", description = "Contain a compromised instance, access key, role or bucket (recorded, resumable, --dry-run).",
    mixinStandardHelpOptions = true,
    subcommands = {ContainCommand.Instance.class, ContainCommand.AccessKey.class, ContainCommand.Role.class, ContainCommand.Bucket.class})
final class ContainCommand {

  /** What every contain command shares. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HomeOption home;
    @Mixin AwsOptions aws;

    @Option(names = "--case", required = true, paramLabel = "CASE", description = "The case (custody case open) that records everything.")
    String caseId;

    @Option(names = "--json", description = "Print {\"steps\":[…]} on stdout.")
    boolean json;

    String commandLine() {
      return String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    int run(Function<Case, Function<AwsSession, PlaybookReport>> body) {
      Case kase = home.load(caseId);
      kase.toolLog("contain " + spec.name() + " " + commandLine());
      PlaybookReport report;
      try (AwsSession session = AwsSession.open(new AwsConfig(aws.region(), aws.profile(), aws.endpoint()))) {
        report = body.apply(kase).apply(session);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.print(Json.writeString(report));
      } else {
        long done = report.steps().stream().filter(s -> s.status() == StepStatus.DONE).count();
        long failed = report.steps().stream().filter(s -> s.status() == StepStatus.FAILED).count();
        long planned = report.steps().stream().filter(s -> s.status() == StepStatus.PLANNED).count();
        report.steps().forEach(s -> out.printf("%-8s %-22s %s%n", s.status().label(), s.name(), s.detail() == null ? "" : s.detail()));
        out.printf("%d done, %d planned, %d failed%n", done, planned, failed);
      }
      out.flush();
      return report.exitCode();
    }
  }

  @Command(name = "instance", description = "Capture, protect, isolate, detach, deregister, snapshot and tag an instance (or --release it).",
      mixinStandardHelpOptions = true)
  static final class Instance extends Base {
    @Parameters(index = "0", paramLabel = "INSTANCE_ID")
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

    @Option(names = "--dry-run", description = "Print the plan (EC2 DryRun where the API has it); change nothing.")
    boolean dryRun;

    @Option(names = "--release", description = "Undo the isolation: put back the security groups saved before it.")
    boolean release;

    @Override
    public Integer call() {
      InstanceId id = new InstanceId(instanceId);
      return run(kase -> session -> {
        InstancePlaybook p = new InstancePlaybook(kase, session, id,
            new InstancePlaybook.Options(ticket, allowCidrs, detachProfile, stop, force, dryRun), Clock.systemUTC(), System.err);
        return release ? p.release() : p.contain();
      });
    }
  }

  @Command(name = "access-key", description = "Deactivate an access key (never delete), deny its user everything, record the user.",
      mixinStandardHelpOptions = true)
  static final class AccessKey extends Base {
    @Parameters(index = "0", paramLabel = "ACCESS_KEY_ID")
    String key;

    @Option(names = "--dry-run", description = "Print the plan (IAM policy simulation where it answers); change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      AccessKeyId id = new AccessKeyId(key);
      return run(kase -> session -> new CredentialPlaybooks(kase, session, dryRun, Clock.systemUTC(), System.err).accessKey(id));
    }
  }

  @Command(name = "role", description = "Deny a role's sessions issued before now; record its trust and policies.", mixinStandardHelpOptions = true)
  static final class Role extends Base {
    @Parameters(index = "0", paramLabel = "ROLE_NAME")
    String role;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      return run(kase -> session -> new CredentialPlaybooks(kase, session, dryRun, Clock.systemUTC(), System.err).role(role));
    }
  }

  @Command(name = "bucket", description = "Block public access to a bucket; record its policy, ACL and settings before and after.",
      mixinStandardHelpOptions = true)
  static final class Bucket extends Base {
    @Parameters(index = "0", paramLabel = "BUCKET")
    String bucket;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      return run(kase -> session -> new CredentialPlaybooks(kase, session, dryRun, Clock.systemUTC(), System.err).bucket(bucket));
    }
  }
}
