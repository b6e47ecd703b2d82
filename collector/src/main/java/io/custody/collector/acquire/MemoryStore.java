package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.PendingItem;
import io.custody.lime.LimeInspection;
import io.custody.lime.LimeLayout;
import io.custody.lime.LimeParser;
import io.custody.lime.LimeReader;
import io.custody.lime.PhysRange;
import io.custody.lime.capture.HostResult;
import io.custody.lime.capture.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams the completed upload from S3 into the case as a memory item in one read: hashing engine
 * (SHA-256, zstd segments) and LiME parser side by side, never the whole image in memory. Side
 * files: the host's {@code result.json} as it arrived, the host's hash ({@code
 * memory.lime.host-sha256}) and the LiME check ({@code lime-inspection.json}).
 */
final class MemoryStore {

  static final String HOST_SHA256 = "memory.lime.host-sha256";
  static final String RESULT = "result.json";
  static final String INSPECTION = "lime-inspection.json";

  private final Case kase;
  private final CaptureRequest req;
  private final S3Gateway s3;
  private final Clock clock;
  private final Consumer<String> say;

  MemoryStore(Case kase, CaptureRequest req, S3Gateway s3, Clock clock, Consumer<String> say) {
    this.kase = kase;
    this.req = req;
    this.s3 = s3;
    this.clock = clock;
    this.say = say;
  }

  CaptureReport store(MemoryCapture.Run run, ProgressListener progress) {
    HostResult host = run.host;
    Sha256 hostSha = host.streamSha256();
    List<String> notes = new ArrayList<>(run.notes);
    List<PhysRange> ram = null;
    try {
      ram = host.systemRam();
    } catch (InvalidInputException e) {
      notes.add("the host's System RAM ranges are unusable (" + e.getMessage() + "): LiME structure checked, completeness not");
    }
    if ("yes".equals(host.moduleBuiltOnHost())) {
      notes.add("LiME was compiled on the evidence host (--allow-build-on-host), module sha256 "
          + Printable.of(String.valueOf(host.moduleSha256())));
    }
    boolean avml = "avml".equals(host.methodLabel());
    if (avml) {
      notes.add("read by AVML (LiME format) from " + host.avmlSourceLabel() + ", avml sha256 " + Printable.of(String.valueOf(host.avmlSha256())));
    } else if (!"unloaded".equals(host.rmmod())) {
      notes.add("the host reports the LiME module as '" + Printable.of(String.valueOf(host.rmmod())) + "'");
      say.accept("warning: the host reports the LiME module as '" + Printable.of(String.valueOf(host.rmmod())) + "'");
    }
    String uri = "s3://" + req.bucket() + "/" + run.imageKey();
    if (req.transport() == Transport.GZIP) {
      notes.add("sent gzip-compressed (" + host.bytes() + " bytes uploaded); the hashes are over the raw LiME stream");
    }
    ItemSpec spec = ItemSpec.of(ItemType.MEMORY, req.instance().value(), "memory.lime").origin(uri)
        .notes((avml ? "AVML" : "LiME") + " capture of kernel " + Printable.of(String.valueOf(host.kernelRelease())) + " via SSM command "
            + run.commandId);
    say.accept("storing " + uri + " in case " + kase.id());
    try (PendingItem pending = kase.begin(spec)) {
      LimeParser parser = new LimeParser();
      HashResult hashed;
      boolean gzip = req.transport() == Transport.GZIP;
      InputStream object = s3.getObject(req.bucket(), run.imageKey()).body();
      try (InputStream in = LimeReader.tap(gzip ? new GZIPInputStream(object, 1 << 16) : object, parser)) {
        hashed = pending.write(in, gzip ? -1 : host.bytes(), progress);
      } catch (IOException e) {
        pending.fail(e.getMessage());
        throw new HostException("Failed to store the memory of '" + req.instance().value() + "' from " + uri + ": " + e.getMessage(), e);
      }
      LimeLayout layout = parser.finish();
      LimeInspection inspection = avml ? LimeInspection.ofAvml(uri, layout, ram) : LimeInspection.of(uri, layout, ram);
      if (inspection.avmlLeftOut() != null && !inspection.avmlLeftOut().describe().isEmpty()) {
        notes.add("AVML: " + inspection.avmlLeftOut().describe());
      }
      Sha256 wsSha = hashed.hashes().sha256();
      // with gzip the host reports the bytes it uploaded; the raw stream's SHA-256 covers its length
      boolean match = wsSha.equals(hostSha) && (gzip || hashed.size() == host.bytes());
      pending.addFile(RESULT, run.hostResultBytes);
      pending.addFile(HOST_SHA256, (hostSha.hex() + "  memory.lime\n").getBytes(StandardCharsets.US_ASCII));
      pending.addFile(INSPECTION, Json.write(inspection));
      if (!match) {
        notes.add("workstation sha256 " + wsSha + " (" + hashed.size() + " bytes) differs from the host's " + hostSha + " (" + host.bytes() + " bytes "
            + (gzip ? "uploaded" : "") + ")");
      }
      inspection.findings().stream().limit(20).forEach(f -> notes.add("LiME: " + f));
      Outcome outcome = match && inspection.clean() ? Outcome.SUCCEEDED : Outcome.PARTIAL;
      Item item = pending.commit(outcome, notes.isEmpty() ? null : String.join("; ", notes));
      double seconds = Duration.between(run.started, clock.instant()).toMillis() / 1000.0;
      return new CaptureReport(kase.id(), req.instance().value(), run.memory.instanceType(), run.memory.mib(), host.kernelRelease(), outcome,
          item.id(), hashed.size(), hostSha, host.hasherLabel(), wsSha, uri, run.commandId, host.parts().size(), run.partSize, seconds, inspection, null, null, notes,
          host.methodLabel(), host.printableMethodReason());
    } catch (IOException e) {
      throw new HostException("Failed to record the memory of '" + req.instance().value() + "': " + e.getMessage(), e);
    }
  }
}
