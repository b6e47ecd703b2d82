package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway.OpenUpload;
import io.custody.collector.aws.S3Gateway;
import io.custody.evidence.CustodyException;
import io.custody.evidence.custody.AwsCall;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.workspace.Case;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans up after memory captures of the same instance that were cut short (a crash, a kill): their
 * intent has no outcome and their multipart upload is still open. Memory cannot be resumed (it has
 * changed since), so the upload is aborted and the old intent closed as failed, both recorded.
 */
final class InterruptedCaptures {

  /** The main intent names where the image was going: "… into s3://BUCKET/KEY". */
  private static final Pattern INTO = Pattern.compile(" into s3://([a-z0-9.-]{3,63})/(\\S+/memory\\.lime(?:\\.gz)?)");

  private final S3Gateway s3;
  private final String region;
  private final Consumer<String> say;

  InterruptedCaptures(S3Gateway s3, String region, Consumer<String> say) {
    this.s3 = s3;
    this.region = region;
    this.say = say;
  }

  /** Closes every interrupted capture of {@code req}'s instance in {@code kase}. */
  void recover(Case kase, CaptureRequest req) {
    for (CustodyEntry e : CustodyLog.openIntents(kase.log().verify().entries())) {
      boolean ours = "acquired".equals(e.event()) && e.notes() != null && e.objects().stream()
          .anyMatch(o -> o.itemId() == null && req.instance().value().equals(o.sourceId()) && "memory".equals(o.role()));
      Matcher m = INTO.matcher(ours ? e.notes() : "");
      if (!m.find()) {
        continue;
      }
      String bucket = m.group(1);
      String key = m.group(2);
      String what = "nothing open";
      try {
        for (OpenUpload u : s3.listMultipartUploads(bucket, key)) {
          if (u.key().equals(key)) {
            String requestId = s3.abortMultipartUpload(bucket, key, u.uploadId()).requestId();
            kase.log().append(Event.of("acquired").aws(new AwsCall("s3:AbortMultipartUpload", region, requestId))
                .notes("aborted the upload of s3://" + bucket + "/" + key + " left by interrupted capture #" + e.seq()));
            what = "its multipart upload aborted";
          }
        }
      } catch (CustodyException x) {
        what = "its multipart upload could not be aborted: " + x.getMessage();
        say.accept("warning: " + what);
      }
      kase.log().complete(e, Event.of("acquired").object(CustodyObject.source(req.instance().value(), "memory"))
          .notes("memory acquisition interrupted (found without an outcome when the capture was run again); " + what), Outcome.FAILED);
      say.accept("closed interrupted capture #" + e.seq() + " of " + req.instance().value() + ": " + what);
    }
  }
}
