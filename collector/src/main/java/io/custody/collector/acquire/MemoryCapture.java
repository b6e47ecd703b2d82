package io.custody.collector.acquire;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.Change;
import io.custody.collector.aws.Ec2Gateway.InstanceMemory;
import io.custody.collector.aws.Ec2Gateway;
import io.custody.collector.aws.S3Gateway.UploadedPart;
import io.custody.collector.aws.S3Gateway;
import io.custody.collector.aws.SsmGateway;
import io.custody.collector.record.ChangeRecorder;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.CustodyException;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.PartialAcquisitionException;
import io.custody.evidence.Printable;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.workspace.Case;
import io.custody.lime.ModuleLibrary;
import io.custody.lime.capture.CaptureDocument;
import io.custody.lime.capture.CaptureMethod;
import io.custody.lime.capture.CapturePlan;
import io.custody.lime.capture.HostResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Captures an instance's memory into a case: SSM Run Command drives LiME on the host, which streams
 * the dump through presigned multipart URLs into S3; the workstation then completes the upload,
 * streams it back through the hashing engine into the case, compares its SHA-256 with the host's and
 * checks every LiME range against the host's System RAM.
 *
 * <p>The custody log gets an {@code acquired} intent about {@code {source_id: instance, role:
 * memory}} before anything happens, every AWS call that changes something (intent, outcome, request
 * id), and the outcome at the end. Any failure aborts the multipart upload, cancels a command still
 * running, and leaves that intent without a succeeded outcome, so {@code contain instance --stop}
 * knows the memory was not secured.
 */
public final class MemoryCapture {

  /** How long presigned URLs outlive the deadline (a part still uploading when it passes). */
  private static final Duration URL_MARGIN = Duration.ofMinutes(30);
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SsmGateway ssm;
  private final S3Gateway s3;
  private final Ec2Gateway ec2;
  private final String region;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<String> say;
  private boolean volatilityCheck = true;
  private int attempt = 1;

  /**
   * Whether Volatility checks each capture (default on), and which attempt this is (for the report).
   */
  public MemoryCapture check(boolean on, int attemptNumber) {
    this.volatilityCheck = on;
    this.attempt = attemptNumber;
    return this;
  }

  /** Waits between polls (tests pass one that does not sleep for real). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** @param say receives progress messages for the examiner (stderr) */
  public MemoryCapture(AwsSession aws, Clock clock, Sleeper sleeper, Consumer<String> say) {
    this(aws.ssm(), aws.s3(), aws.ec2(), aws.region(), clock, sleeper, say);
  }

  /** @param region recorded with every AWS call in the custody log */
  MemoryCapture(SsmGateway ssm, S3Gateway s3, Ec2Gateway ec2, String region, Clock clock, Sleeper sleeper, Consumer<String> say) {
    this.ssm = ssm;
    this.s3 = s3;
    this.ec2 = ec2;
    this.region = region;
    this.clock = clock;
    this.sleeper = sleeper;
    this.say = say;
  }

  /**
   * Runs a capture.
   *
   * @return the report when both hashes agree and the capture is whole
   * @throws PartialAcquisitionException when the image is stored but incomplete (LiME findings)
   * @throws IntegrityException when the image is stored but its hash differs from the host's
   * @throws HostException when the host could not capture (reason from its result.json) or the deadline passed
   * @throws AwsOperationException when AWS refused a call
   */
  public CaptureReport acquire(Case kase, CaptureRequest req, ProgressListener progress) {
    try (CaptureLock ignored = CaptureLock.take(kase, req.instance())) {
      return capture(kase, req, progress);
    }
  }

  private CaptureReport capture(Case kase, CaptureRequest req, ProgressListener progress) {
    Instant started = clock.instant();
    // The stamp names the run for people; the random suffix makes two runs in the same second (a quick
    // retry) use different keys, so a run never reads the result.json of another.
    String base = req.prefix() + "/" + kase.id() + "/memory/" + req.instance() + "/" + STAMP.format(started) + "-" + runSuffix();
    Run run = new Run(kase, req, base, started);
    new InterruptedCaptures(s3, region, say).recover(kase, req);
    run.intent = kase.log().begin(Event.of("acquired")
        .object(CustodyObject.source(req.instance().value(), "memory"))
        .notes("memory of " + req.instance() + " with " + methodText(req.method()) + " through SSM Run Command (" + CaptureDocument.NAME
            + ", document sha256 " + CaptureDocument.sha256() + ") into s3://" + req.bucket() + "/" + run.imageKey()));
    kase.toolLog("acquire memory --instance " + req.instance() + " --bucket " + req.bucket() + " --part-size " + req.partSize()
        + " --timeout " + req.timeout().toSeconds() + "s --method " + req.method().label());
    try {
      checkManaged(run);
      run.memory = ec2.memory(req.instance());
      run.partSize = CapturePlan.partSize(run.memory.bytes(), req.partSize());
      startUpload(run);
      CapturePlan plan = writePlan(run);
      sendCommand(run, plan);
      run.host = awaitResult(run);
      List<UploadedPart> parts = checkParts(run);
      completeUpload(run, parts);
      CaptureReport report = new MemoryStore(kase, req, s3, clock, say).store(run, progress);
      SymbolsStore.Stored symbols = new SymbolsStore(kase, s3, req.bucket(), say).store(req.instance().value(), report.itemId(), run.host,
          run::symbolKey);
      report = report.withSymbols(symbols.item() == null ? null : symbols.item().id(), symbols.notes());
      run.symbols = symbols.item();
      report = report.withCheck(check(kase, report, symbols));
      finish(run, report);
      return report;
    } catch (RuntimeException e) {
      cleanUp(run);
      if (!run.closed) {
        kase.log().complete(run.intent, Event.of("acquired").object(CustodyObject.source(req.instance().value(), "memory"))
            .notes("memory acquisition failed: " + e.getMessage()), Outcome.FAILED);
      }
      throw e;
    }
  }

  /**
   * Volatility's check of the stored image (kernel found, process list walked) while the host still
   * runs; skipped, and said, when there is no symbol table or no Volatility.
   */
  private CaptureCheck check(Case kase, CaptureReport report, SymbolsStore.Stored symbols) {
    if (!volatilityCheck) {
      return new CaptureCheck("skipped", null, "not asked for (--no-check)", 0, attempt);
    }
    if (!symbols.usable()) {
      return new CaptureCheck("skipped", null, "no symbol table for this kernel: " + String.join("; ", symbols.notes()), 0, attempt);
    }
    say.accept("checking the capture with Volatility 3: does it find the kernel and walk the process list?");
    io.custody.analyzer.memory.MemoryAnalysis.Check c = io.custody.analyzer.memory.MemoryAnalysis.check(kase, report.itemId(), symbols.item().id(),
        Duration.ofMinutes(30));
    say.accept("check: " + c.status() + (c.processes() == null ? "" : ", " + c.processes() + " processes") + (c.reason() == null ? "" : " (" + c.reason() + ")")
        + String.format(java.util.Locale.ROOT, " in %.1f s", c.seconds()));
    return new CaptureCheck(c.status(), c.processes(), c.reason(), Math.round(c.seconds() * 10) / 10.0, attempt);
  }

  private void checkManaged(Run run) {
    InstanceId id = run.req.instance();
    SsmGateway.ManagedInstance m;
    try {
      m = ssm.managedInstance(id);
    } catch (AwsOperationException e) {
      // SendCommand refuses an unmanaged instance itself; this check only gives a clearer message.
      run.notes.add("could not check that SSM manages " + id + " (" + e.getMessage() + "); relying on SendCommand");
      say.accept("warning: could not check that SSM manages " + id + "; relying on SendCommand: " + e.getMessage());
      return;
    }
    if (!m.found()) {
      throw new HostException("Failed to capture memory of '" + id + "': SSM does not manage it (no SSM agent, or no instance profile allowing SSM)");
    }
    if (!m.online()) {
      throw new HostException("Failed to capture memory of '" + id + "': its SSM agent is not reachable (ping status " + m.pingStatus() + ")");
    }
  }

  private void startUpload(Run run) {
    run.uploadId = aws(run, "s3:CreateMultipartUpload", "start the multipart upload of s3://" + run.req.bucket() + "/" + run.imageKey(),
        () -> s3.createMultipartUpload(run.req.bucket(), run.imageKey())).resourceId();
  }

  private CapturePlan writePlan(Run run) {
    Duration valid = run.req.timeout().plus(URL_MARGIN);
    String bucket = run.req.bucket();
    ModuleLibrary library = new ModuleLibrary(new S3LibraryStore(s3, bucket));
    List<CapturePlan.Module> modules = new ArrayList<>();
    for (ModuleLibrary.Entry e : library.list()) {
      modules.add(new CapturePlan.Module(e.release(), e.sha256(), s3.presignGet(bucket, e.key(), valid)));
    }
    CaptureMethod method = run.req.method();
    CapturePlan.Avml avml = null;
    if (method != CaptureMethod.LIME) {
      avml = library.avml().map(sha -> new CapturePlan.Avml(sha, s3.presignGet(bucket, ModuleLibrary.AVML_KEY, valid))).orElse(null);
      run.avmlSha256 = avml == null ? null : avml.sha256();
    }
    if (method == CaptureMethod.AVML && avml == null) {
      throw new HostException("Failed to capture memory of '" + run.req.instance() + "' with AVML: the module library " + library.location()
          + " holds no AVML (custody lime build --avml FILE, then custody lime publish)");
    }
    CapturePlan.Source source = null;
    if (run.req.allowBuildOnHost()) {
      source = library.source().map(sha -> new CapturePlan.Source(sha, s3.presignGet(bucket, ModuleLibrary.SOURCE_KEY, valid)))
          .orElseThrow(() -> new InvalidInputException("Failed to allow building on the host: the module library s3://" + bucket + "/"
              + ModuleLibrary.SOURCE_KEY + " holds no LiME source (publish a custody lime build folder)"));
    } else if (modules.isEmpty() && avml == null) {
      throw new HostException("Failed to capture memory of '" + run.req.instance() + "': the module library " + library.location()
          + (method == CaptureMethod.LIME ? " has no LiME module" : " holds neither a LiME module nor AVML")
          + " (custody lime build, then custody lime publish)");
    }
    int parts = CapturePlan.parts(run.memory.bytes(), run.partSize);
    Map<String, java.net.URI> symbolUrls = new java.util.LinkedHashMap<>();
    for (String kind : CapturePlan.SYMBOL_FILES) {
      symbolUrls.put(kind, s3.presignPut(bucket, run.symbolKey(kind), valid));
    }
    CapturePlan plan = CapturePlan.of(run.req.port(), run.partSize, parts, run.req.transport(), method, modules, source, avml, symbolUrls,
        n -> s3.presignUploadPart(bucket, run.imageKey(), run.uploadId, n, valid));
    aws(run, "s3:PutObject", "store the capture plan (method " + method.label() + ", " + parts + " part URLs of " + run.partSize + " bytes, "
        + modules.size() + " modules" + (avml == null ? "" : ", AVML " + avml.sha256())
        + (source == null ? "" : ", LiME source " + source.sha256() + ": the host may compile LiME (--allow-build-on-host)")
        + "; presigned URLs, so only its sha256 " + plan.sha256() + " is recorded)",
        () -> s3.putObject(bucket, run.planKey(), plan.bytes(), "text/plain"));
    return plan;
  }

  private void sendCommand(Run run, CapturePlan plan) {
    Duration valid = run.req.timeout().plus(URL_MARGIN);
    String bucket = run.req.bucket();
    Map<String, String> params = Map.of(
        CaptureDocument.PLAN_URL, s3.presignGet(bucket, run.planKey(), valid).toString(),
        CaptureDocument.PLAN_SHA256, plan.sha256().hex(),
        CaptureDocument.RESULT_URL, s3.presignPut(bucket, run.resultKey(), valid).toString(),
        CaptureDocument.EXECUTION_TIMEOUT, Long.toString(run.req.timeout().toSeconds()));
    run.commandId = aws(run, "ssm:SendCommand", "send " + CaptureDocument.NAME + " to " + run.req.instance(),
        () -> ssm.sendCommand(CaptureDocument.NAME, run.req.instance(), params, (int) Math.min(run.req.timeout().toSeconds(), 2_592_000),
            "custody case " + run.kase.id())).resourceId();
    say.accept("sent " + CaptureDocument.NAME + " to " + run.req.instance() + " (command " + run.commandId + "); waiting for its result");
  }

  private HostResult awaitResult(Run run) {
    return new ResultWatcher(ssm, s3, clock, sleeper, say).await(run);
  }

  /** S3's own list of parts must be what the host says it uploaded: S3's list is what gets completed. */
  private List<UploadedPart> checkParts(Run run) {
    List<HostResult.Part> reported = run.host.checkedParts();
    List<UploadedPart> held = s3.listParts(run.req.bucket(), run.imageKey(), run.uploadId);
    if (held.size() != reported.size()) {
      throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': the host reports " + reported.size()
          + " parts, S3 holds " + held.size());
    }
    long total = 0;
    for (int i = 0; i < held.size(); i++) {
      UploadedPart h = held.get(i);
      HostResult.Part r = reported.get(i);
      if (h.number() != r.number() || !h.etag().equalsIgnoreCase(r.etag()) || (h.size() >= 0 && h.size() != r.size())) {
        throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': part " + r.number()
            + " in S3 is not the part the host uploaded");
      }
      total += r.size();
    }
    checkMethod(run);
    if (!run.req.transport().label().equals(run.host.compression() == null ? "none" : run.host.compression())) {
      throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': the host used another compression than the plan's");
    }
    if (total != run.host.bytes()) {
      throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': the parts hold " + total
          + " bytes, the host reports " + run.host.bytes());
    }
    return held;
  }

  /** The host must have used the plan's method, and with AVML the binary of the plan. */
  private void checkMethod(Run run) {
    String used = run.host.methodLabel();
    CaptureMethod asked = run.req.method();
    if (used.equals("unknown") || (asked != CaptureMethod.AUTO && !asked.label().equals(used))) {
      throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': the host reports method '"
          + Printable.of(String.valueOf(run.host.method())) + "', the plan's is " + asked.label());
    }
    if (used.equals("avml") && (run.avmlSha256 == null || !run.avmlSha256.hex().equals(run.host.avmlSha256()))) {
      throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': the host ran an AVML other than the library's");
    }
  }

  private static String methodText(CaptureMethod m) {
    return switch (m) {
      case LIME -> "LiME";
      case AVML -> "AVML";
      case AUTO -> "LiME, else AVML (method auto)";
    };
  }

  private void completeUpload(Run run, List<UploadedPart> parts) {
    Change c = aws(run, "s3:CompleteMultipartUpload", "complete the upload of s3://" + run.req.bucket() + "/" + run.imageKey()
        + " from " + parts.size() + " parts", () -> s3.completeMultipartUpload(run.req.bucket(), run.imageKey(), run.uploadId, parts));
    run.completed = true;
    run.etag = c.resourceId();
  }

  private void finish(Run run, CaptureReport report) {
    List<CustodyObject> objects = new ArrayList<>();
    objects.add(CustodyObject.source(run.req.instance().value(), "memory"));
    objects.add(CustodyObject.item(report.itemId(), report.workstationSha256()));
    if (run.symbols != null) {
      objects.add(CustodyObject.item(run.symbols.id(), run.symbols.hashes().sha256()));
    }
    String notes = "memory of " + run.req.instance() + " (" + run.memory.instanceType() + ", kernel " + report.kernelRelease() + "): "
        + report.bytes() + " bytes, host sha256 " + report.hostSha256() + ", workstation sha256 " + report.workstationSha256()
        + (report.hashesMatch() ? " (equal)" : " (DIFFERENT)") + "; method " + report.method()
        + (report.methodReason() == null || report.methodReason().isEmpty() ? "" : " (" + report.methodReason() + ")")
        + "; LiME " + (report.inspection().clean() ? "complete" : "findings: "
        + report.inspection().findings().size()) + "; s3://" + run.req.bucket() + "/" + run.imageKey() + " etag " + run.etag
        + (report.notes().isEmpty() ? "" : "; " + String.join("; ", report.notes()))
        + (report.check() == null ? "" : "; Volatility check (attempt " + report.check().attempt() + "): " + report.check().status()
            + (report.check().processes() == null ? "" : ", " + report.check().processes() + " processes")
            + (report.check().reason() == null ? "" : ", " + report.check().reason()));
    Outcome outcome = report.check() != null && report.check().failed() && report.outcome() == Outcome.SUCCEEDED ? Outcome.PARTIAL : report.outcome();
    run.kase.log().complete(run.intent, Event.of("acquired").objects(objects).notes(notes), outcome);
    run.closed = true;
    if (!report.hashesMatch()) {
      throw new IntegrityException("Failed to capture memory of '" + run.req.instance() + "': the workstation's SHA-256 "
          + report.workstationSha256() + " differs from the host's " + report.hostSha256() + " (item " + report.itemId() + " kept, marked partial)");
    }
    if (report.outcome() != Outcome.SUCCEEDED) {
      throw new PartialAcquisitionException("Failed to capture all memory of '" + run.req.instance() + "': "
          + report.inspection().findings().size() + " LiME findings, e.g. " + report.inspection().findings().get(0)
          + " (item " + report.itemId() + " kept, marked partial)");
    }
  }

  /** Aborts the upload unless completed and cancels a command still running; says what could not be cleaned up. */
  private void cleanUp(Run run) {
    if (run.uploadId != null && !run.completed) {
      try {
        aws(run, "s3:AbortMultipartUpload", "abort the upload of s3://" + run.req.bucket() + "/" + run.imageKey(),
            () -> s3.abortMultipartUpload(run.req.bucket(), run.imageKey(), run.uploadId));
      } catch (CustodyException e) {
        say.accept("warning: could not abort the multipart upload " + run.imageKey() + ": " + e.getMessage());
      }
    }
    if (run.commandId != null && run.host == null) {
      try {
        if (!ssm.invocation(run.commandId, run.req.instance()).terminal()) {
          aws(run, "ssm:CancelCommand", "cancel command " + run.commandId + " on " + run.req.instance(),
              () -> ssm.cancelCommand(run.commandId, run.req.instance()));
        }
      } catch (CustodyException e) {
        say.accept("warning: could not cancel command " + run.commandId + ": " + e.getMessage());
      }
    }
  }

  /** An AWS call that changes something, recorded before and after (intent, outcome with its request id). */
  private Change aws(Run run, String api, String what, Supplier<Change> call) {
    return new ChangeRecorder(run.kase, region, false, "acquired").change(api, run.req.instance().value(), what, call);
  }

  private static String runSuffix() {
    return String.format("%08x", RANDOM.nextInt());
  }

  /** The state of one capture, shared by its steps. */
  static final class Run {
    final Case kase;
    final CaptureRequest req;
    final String base;
    final Instant started;
    final List<String> notes = new ArrayList<>();
    CustodyEntry intent;
    InstanceMemory memory;
    long partSize;
    String uploadId;
    String commandId;
    HostResult host;
    byte[] hostResultBytes;
    boolean completed;
    boolean closed;
    String etag;
    io.custody.evidence.workspace.Item symbols;
    /** The AVML binary the plan named, if any. */
    io.custody.evidence.Sha256 avmlSha256;

    Run(Case kase, CaptureRequest req, String base, Instant started) {
      this.kase = kase;
      this.req = req;
      this.base = base;
      this.started = started;
    }

    String imageKey() {
      return base + "/memory.lime" + req.transport().suffix();
    }

    String planKey() {
      return base + "/plan.txt";
    }

    String resultKey() {
      return base + "/result.json";
    }

    /** Where the host PUTs one of {@link CapturePlan#SYMBOL_FILES}. */
    String symbolKey(String kind) {
      return base + "/symbols/" + kind;
    }
  }
}
