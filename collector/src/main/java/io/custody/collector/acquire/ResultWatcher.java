package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway;
import io.custody.collector.aws.SsmGateway.Invocation;
import io.custody.collector.aws.SsmGateway;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.ids.InstanceId;
import io.custody.lime.capture.HostResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Waits for the host's {@code result.json} until the deadline. The result in S3 is what counts: SSM's
 * status only ends the wait early when the command failed, was cancelled or timed out (the script
 * writes result.json before it exits, so a last look follows). A command SSM calls successful
 * without a result.json is waited for until the deadline, and said so.
 */
final class ResultWatcher {

  private final SsmGateway ssm;
  private final S3Gateway s3;
  private final Clock clock;
  private final MemoryCapture.Sleeper sleeper;
  private final Consumer<String> say;

  ResultWatcher(SsmGateway ssm, S3Gateway s3, Clock clock, MemoryCapture.Sleeper sleeper, Consumer<String> say) {
    this.ssm = ssm;
    this.s3 = s3;
    this.clock = clock;
    this.sleeper = sleeper;
    this.say = say;
  }

  /**
   * @return the host's result when it reports success
   * @throws HostException with the host's reason when it failed, or when the deadline passed
   */
  HostResult await(MemoryCapture.Run run) {
    Instant deadline = run.started.plus(run.req.timeout());
    InstanceId id = run.req.instance();
    boolean saidSuccess = false;
    String lastStatus = null;
    while (true) {
      Optional<HostResult> result = read(run);
      if (result.isPresent()) {
        return judge(run, result.get());
      }
      Invocation inv = ssm.invocation(run.commandId, id);
      if (!inv.status().equals(lastStatus)) {
        say.accept("command " + run.commandId + " on " + id + ": " + inv.status());
        lastStatus = inv.status();
      }
      if (inv.terminal() && !inv.succeeded()) {
        result = read(run);
        if (result.isPresent()) {
          return judge(run, result.get());
        }
        throw new HostException("Failed to capture memory of '" + id + "': SSM command " + run.commandId + " ended " + inv.status()
            + (inv.statusDetails() == null ? "" : " (" + inv.statusDetails() + ")") + " without a result"
            + (inv.stderr().isBlank() ? "" : "; stderr: " + Printable.of(inv.stderr().strip())));
      }
      if (inv.succeeded() && !saidSuccess) {
        say.accept("SSM reports the command finished; its result.json has not arrived yet, waiting until the deadline");
        saidSuccess = true;
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new HostException("Failed to capture memory of '" + id + "': no result from the host within " + run.req.timeout().toSeconds()
            + " s (command " + run.commandId + " is " + inv.status() + ")");
      }
      try {
        sleeper.sleep(left.compareTo(run.req.pollInterval()) < 0 ? left : run.req.pollInterval());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HostException("Failed to capture memory of '" + id + "': interrupted while waiting for the host", e);
      }
    }
  }

  private Optional<HostResult> read(MemoryCapture.Run run) {
    Optional<byte[]> bytes = s3.getSmall(run.req.bucket(), run.resultKey(), HostResult.MAX_BYTES);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    run.hostResultBytes = bytes.get();
    try {
      return Optional.of(HostResult.parse(bytes.get(), "s3://" + run.req.bucket() + "/" + run.resultKey()));
    } catch (InvalidInputException e) {
      throw new HostException("Failed to capture memory of '" + run.req.instance() + "': " + e.getMessage(), e);
    }
  }

  private HostResult judge(MemoryCapture.Run run, HostResult r) {
    if (!r.ok()) {
      throw new HostException("Failed to capture memory of '" + run.req.instance() + "': the host stopped at " + Printable.of(String.valueOf(r.stage()))
          + ": " + r.printableError() + " (module " + Printable.of(String.valueOf(r.rmmod())) + ")");
    }
    say.accept("the host captured " + r.bytes() + " bytes of kernel " + Printable.of(String.valueOf(r.kernelRelease())) + " in " + r.parts().size() + " parts");
    return r;
  }
}
