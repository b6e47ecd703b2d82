package io.custody.collector.acquire;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.SsmGateway;
import io.custody.evidence.Sha256;
import io.custody.lime.ModuleLibrary;
import io.custody.lime.capture.CaptureDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What memory capture needs in place before it runs: the LiME modules in the capture bucket's
 * module library ({@code lime publish}) and the {@code Custody-LiMECapture} SSM document ({@code lime
 * install-document}).
 */
public final class CaptureSetup {

  private final AwsSession aws;

  public CaptureSetup(AwsSession aws) {
    this.aws = aws;
  }

  /** Publishes every module of {@code dir} (as {@code lime build} lays them out) to the bucket's library. */
  public List<ModuleLibrary.Entry> publish(String bucket, Path dir) {
    return new ModuleLibrary(new S3LibraryStore(aws.s3(), bucket)).publish(dir);
  }

  /** The SHA-256 of the AVML binary in the bucket's library, if one was published. */
  public Optional<Sha256> avml(String bucket) {
    return new ModuleLibrary(new S3LibraryStore(aws.s3(), bucket)).avml();
  }

  /** Creates the capture document, or makes this content its default version; nothing when it is current. */
  public SsmGateway.DocumentVersion installDocument() {
    return aws.ssm().installDocument(CaptureDocument.NAME, CaptureDocument.content());
  }
}
