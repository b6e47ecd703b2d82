package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.SsmGateway;
import io.custody.collector.testing.FakeHost;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.PartialAcquisitionException;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.Acquisitions;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyLog;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.Item;
import io.custody.lime.KernelRelease;
import io.custody.lime.KernelSymbols;
import io.custody.lime.ModuleLibrary;
import io.custody.lime.TestModules;
import io.custody.lime.capture.CaptureDocument;
import io.custody.lime.capture.CaptureMethod;
import io.custody.lime.capture.Transport;
import io.custody.lime.symbols.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The capture flow against the AWS emulator: real presigned multipart uploads, SSM commands and
 * the custody log, with {@link FakeHost} in the host's place.
 */
@ExtendWith(MotoServer.class)
class MemoryCaptureEmulatorTest {

  static final String RELEASE = "6.1.0-99-amd64";
  static final String BUCKET = "forensics";

  @TempDir Path tmp;
  AwsSession clients;
  S3Client s3;
  SsmClient ssm;
  Ec2Client ec2;
  Case kase;
  String instanceId;
  List<String> messages = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    clients = AwsSession.open(new AwsConfig(MotoServer.REGION, null, MotoServer.endpoint()));
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY));
    s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(MotoServer.endpoint()).forcePathStyle(true).build();
    ssm = SsmClient.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(MotoServer.endpoint()).build();
    ec2 = Ec2Client.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(MotoServer.endpoint()).build();
    s3.createBucket(b -> b.bucket(BUCKET));
    String ami = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
    instanceId = ec2.runInstances(b -> b.imageId(ami).instanceType("t3.micro").minCount(1).maxCount(1)).instances().get(0).instanceId();
    kase = CaseStore.at(tmp.resolve("home"), Clock.systemUTC()).open("IR-7", "Tester", null, null);
    Path lib = Files.createDirectories(tmp.resolve("modules").resolve(RELEASE));
    Files.write(lib.resolve("lime.ko"), TestModules.fake(RELEASE));
    new ModuleLibrary(new S3LibraryStore(clients.s3(), BUCKET)).publish(tmp.resolve("modules"));
    clients.ssm().installDocument(CaptureDocument.NAME, CaptureDocument.content());
  }

  @AfterEach
  void tearDown() {
    clients.close();
    s3.close();
    ssm.close();
    ec2.close();
  }

  MemoryCapture capture() {
    return new MemoryCapture(clients.ssm(), clients.s3(), clients.ec2(), MotoServer.REGION, Clock.systemUTC(), d -> Thread.sleep(Math.min(d.toMillis(), 50)),
        messages::add);
  }

  CaptureRequest request() {
    return CaptureRequest.of(new InstanceId(instanceId), BUCKET).withPartSize(5L << 20).withPollInterval(Duration.ofMillis(50)).withTimeout(Duration.ofMinutes(1));
  }

  Thread host(byte[] image, FakeHost.Behaviour b, String release) {
    FakeHost h = new FakeHost(ssm, instanceId, release, image, b, hosts.size());
    Thread t = new Thread(h, "fake-host");
    t.start();
    hosts.add(h);
    return t;
  }

  List<FakeHost> hosts = new ArrayList<>();

  List<CustodyEntry> log() {
    return kase.log().verify().entries();
  }

  List<String> objectKeys() {
    return s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("custody/")).contents().stream().map(o -> o.key()).toList();
  }

  int openUploads() {
    return s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads().size();
  }

  @Test
  void acquire_hostUploadsWholeImage_itemStoredHashesEqualSucceeded() throws Exception {
    byte[] image = lime(true);
    Thread t = host(image, FakeHost.Behaviour.NORMAL, RELEASE);
    CaptureReport r = capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).error.get()).isNull();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.hashesMatch()).isTrue();
    assertThat(r.workstationSha256()).isEqualTo(Sha256.digest(image));
    assertThat(r.parts()).isEqualTo(2);
    assertThat(r.inspection().clean()).isTrue();
    assertThat(r.instanceType()).isEqualTo("t3.micro");
    Item item = kase.item(r.itemId(), null);
    assertThat(item.type().label()).isEqualTo("memory");
    assertThat(item.segments().get(0).file()).startsWith("memory.lime.zst.");
    assertThat(item.files()).contains(MemoryStore.RESULT, MemoryStore.HOST_SHA256, MemoryStore.INSPECTION);
    assertThat(Files.readString(kase.dir().resolve(item.dir()).resolve(MemoryStore.HOST_SHA256))).startsWith(Sha256.digest(image).hex());
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
    assertThat(CustodyLog.openIntents(log())).isEmpty();
    assertThat(log()).anySatisfy(e -> assertThat(e.aws()).isNotNull().satisfies(a -> assertThat(a.api()).isEqualTo("ssm:SendCommand")));
    assertThat(openUploads()).isZero();
    assertThat(objectKeys()).anyMatch(k -> k.endsWith("/memory.lime"));
    // the plan holds presigned URLs: the custody log must not
    assertThat(String.join("\n", log().stream().map(CustodyEntry::notes).filter(n -> n != null).toList())).doesNotContain("X-Amz-Signature");
  }

  @Test
  void acquire_gzipTransport_inflatedWhileHashedRawHashesEqual() throws Exception {
    byte[] image = lime(true);
    Thread t = host(image, FakeHost.Behaviour.NORMAL, RELEASE);
    CaptureReport r = capture().acquire(kase, request().withTransport(Transport.GZIP), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).error.get()).isNull();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.bytes()).isEqualTo(image.length);
    assertThat(r.workstationSha256()).isEqualTo(Sha256.digest(image));
    assertThat(r.s3Uri()).endsWith("/memory.lime.gz");
    assertThat(kase.item(r.itemId(), null).size()).isEqualTo(image.length);
    assertThat(hosts.get(0).plan).contains("\ncompress gzip\n");
  }

  @Test
  void acquire_hostNeverAnswers_timeoutAbortsUploadAndLeavesUnfinished() {
    host(lime(true), FakeHost.Behaviour.SILENT, RELEASE);
    CaptureRequest req = new CaptureRequest(new InstanceId(instanceId), BUCKET, 5L << 20, Duration.ofMinutes(1), Duration.ofMillis(50), 45000, "custody", false, Transport.NONE, null);
    Clock fast = new Clock() {
      final long start = System.nanoTime();
      final java.time.Instant t0 = java.time.Instant.now();

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId z) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        // one real second is one minute here, so the one-minute deadline passes in a second
        return t0.plusMillis((System.nanoTime() - start) / 1_000_000 * 60);
      }
    };
    MemoryCapture c = new MemoryCapture(clients.ssm(), clients.s3(), clients.ec2(), MotoServer.REGION, fast, d -> Thread.sleep(20), messages::add);
    assertThatThrownBy(() -> c.acquire(kase, req, ProgressListener.NONE)).isInstanceOf(HostException.class).hasMessageContaining("no result from the host");
    assertThat(openUploads()).isZero();
    assertThat(objectKeys()).noneMatch(k -> k.endsWith("/memory.lime"));
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
    assertThat(CustodyLog.openIntents(log())).isEmpty();
    assertThat(log()).anySatisfy(e -> assertThat(e.aws()).isNotNull().satisfies(a -> assertThat(a.api()).isEqualTo("s3:AbortMultipartUpload")));
    assertThat(kase.items()).isEmpty();
  }

  /** What a kill -9 looks like to the code: nothing after it runs. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void acquire_afterACrashedRun_oldUploadAbortedOldIntentClosedNewRunSucceeds() throws Exception {
    host(lime(true), FakeHost.Behaviour.SILENT, RELEASE);
    MemoryCapture crashing = new MemoryCapture(clients.ssm(), clients.s3(), clients.ec2(), MotoServer.REGION, Clock.systemUTC(),
        d -> { throw new Crash(); }, messages::add);
    assertThatThrownBy(() -> crashing.acquire(kase, request(), ProgressListener.NONE)).isInstanceOf(Crash.class);
    assertThat(openUploads()).isEqualTo(1);
    assertThat(CustodyLog.openIntents(log())).hasSize(1);
    Thread t = host(lime(true), FakeHost.Behaviour.NORMAL, RELEASE);
    CaptureReport r = capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(openUploads()).isZero();
    assertThat(CustodyLog.openIntents(log())).isEmpty();
    assertThat(log()).anySatisfy(e -> assertThat(e.notes()).contains("interrupted", "its multipart upload aborted"));
    assertThat(messages).anyMatch(m -> m.startsWith("closed interrupted capture #"));
  }

  @Test
  void acquire_whileAnotherCaptureOfTheInstanceRuns_refusedWithoutTouchingAnything() {
    int before = log().size();
    try (CaptureLock running = CaptureLock.take(kase, new InstanceId(instanceId))) {
      assertThatThrownBy(() -> capture().acquire(kase, request(), ProgressListener.NONE)).hasMessageContaining("another capture of it is running");
    }
    assertThat(log()).hasSize(before);
    assertThat(ssm.listCommands(b -> b.instanceId(instanceId)).commands()).isEmpty();
  }

  @Test
  void acquire_hostFailsAfterOnePart_uploadAbortedPartsGone() throws Exception {
    Thread t = host(lime(true), FakeHost.Behaviour.FAIL_AFTER_ONE_PART, RELEASE);
    assertThatThrownBy(() -> capture().acquire(kase, request(), ProgressListener.NONE))
        .isInstanceOf(HostException.class).hasMessageContaining("part 2 could not be uploaded").hasMessageContaining("capture");
    t.join();
    assertThat(hosts.get(0).partsUploaded).isEqualTo(1);
    assertThat(openUploads()).isZero();
    assertThat(objectKeys()).noneMatch(k -> k.endsWith("/memory.lime"));
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
    assertThat(kase.items()).isEmpty();
  }

  @Test
  void acquire_noModuleForKernel_hostStopsWithReason() throws Exception {
    Thread t = host(lime(true), FakeHost.Behaviour.NORMAL, "5.10.0-1-amd64");
    assertThatThrownBy(() -> capture().acquire(kase, request(), ProgressListener.NONE))
        .isInstanceOf(HostException.class).hasMessageContaining("no LiME module for kernel 5.10.0-1-amd64");
    t.join();
    assertThat(openUploads()).isZero();
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
  }

  @Test
  void acquire_hostHashDiffers_itemKeptPartialIntegrityError() throws Exception {
    Thread t = host(lime(true), FakeHost.Behaviour.WRONG_SHA, RELEASE);
    assertThatThrownBy(() -> capture().acquire(kase, request(), ProgressListener.NONE)).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("differs from the host's");
    t.join();
    assertThat(kase.items()).hasSize(1);
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
  }

  @Test
  void acquire_limeMissesARamRange_itemKeptPartial() throws Exception {
    Thread t = host(lime(false), FakeHost.Behaviour.NORMAL, RELEASE);
    assertThatThrownBy(() -> capture().acquire(kase, request(), ProgressListener.NONE)).isInstanceOf(PartialAcquisitionException.class)
        .hasMessageContaining("missing-range");
    t.join();
    Item item = kase.items().get(0);
    assertThat(item.notes()).contains("missing-range");
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
  }

  @Test
  void acquire_buildOnHostWithoutSourceInLibrary_refusedBeforeTheHostIsTouched() {
    assertThatThrownBy(() -> capture().acquire(kase, request().withAllowBuildOnHost(true), ProgressListener.NONE))
        .hasMessageContaining("holds no LiME source");
    assertThat(ssm.listCommands(b -> b.instanceId(instanceId)).commands()).isEmpty();
    assertThat(openUploads()).isZero();
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
  }

  @Test
  void acquire_buildOnHostAllowed_planCarriesTheSourceOnlyThen() throws Exception {
    Files.write(tmp.resolve("modules").resolve(ModuleLibrary.SOURCE_FILE), new byte[] {31, -117, 8, 0});
    new ModuleLibrary(new S3LibraryStore(clients.s3(), BUCKET)).publish(tmp.resolve("modules"));
    Thread t = host(lime(true), FakeHost.Behaviour.NORMAL, RELEASE);
    capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).plan).doesNotContain("lime_source");
    Thread t2 = host(lime(true), FakeHost.Behaviour.NORMAL, RELEASE);
    capture().acquire(kase, request().withAllowBuildOnHost(true), ProgressListener.NONE);
    t2.join();
    assertThat(hosts.get(1).plan).containsPattern("(?m)^lime_source [0-9a-f]{64} http");
  }

  /** The first bytes of an x86-64 ELF executable: what lime build --avml accepts. */
  static byte[] fakeAvml() {
    byte[] b = new byte[4096];
    System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 0, b, 0, 7);
    b[16] = 3;
    b[18] = 62;
    return b;
  }

  @Test
  void acquire_avmlInLibrary_planNamesItWithTheMethodButNotForMethodLime() throws Exception {
    Path bin = Files.write(tmp.resolve("avml-bin"), fakeAvml());
    Sha256 staged = ModuleLibrary.stageAvml(bin, tmp.resolve("modules"));
    ModuleLibrary lib = new ModuleLibrary(new S3LibraryStore(clients.s3(), BUCKET));
    lib.publish(tmp.resolve("modules"));
    assertThat(lib.avml()).contains(staged);
    Thread t = host(lime(true), FakeHost.Behaviour.NORMAL, RELEASE);
    CaptureReport r = capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).plan).contains("\nmethod auto\n").containsPattern("(?m)^avml " + staged.hex() + " http");
    // a host of the old script reports no method: that was LiME
    assertThat(r.method()).isEqualTo("lime");
    assertThat(log()).anyMatch(e -> String.valueOf(e.notes()).contains("method lime"));
    Thread t2 = host(lime(true), FakeHost.Behaviour.NORMAL, RELEASE);
    capture().acquire(kase, request().withMethod(CaptureMethod.LIME), ProgressListener.NONE);
    t2.join();
    assertThat(hosts.get(1).plan).contains("\nmethod lime\n").doesNotContainPattern("(?m)^avml ");
  }

  @Test
  void acquire_methodAvmlWithoutAvmlInLibrary_refusedBeforeTheHostIsTouched() {
    assertThatThrownBy(() -> capture().acquire(kase, request().withMethod(CaptureMethod.AVML), ProgressListener.NONE))
        .hasMessageContaining("holds no AVML");
    assertThat(ssm.listCommands(b -> b.instanceId(instanceId)).commands()).isEmpty();
    assertThat(openUploads()).isZero();
    assertThatThrownBy(() -> request().withMethod(CaptureMethod.AVML).withAllowBuildOnHost(true)).hasMessageContaining("method avml");
  }

  @Test
  void publish_avmlAloneOrNotAnElf_checked() throws IOException {
    ModuleLibrary lib = new ModuleLibrary(new S3LibraryStore(clients.s3(), BUCKET));
    assertThat(lib.avml()).isEmpty();
    Path notElf = Files.writeString(tmp.resolve("script"), "#!/bin/sh\necho not avml\n");
    assertThatThrownBy(() -> ModuleLibrary.stageAvml(notElf, tmp.resolve("only"))).hasMessageContaining("not an x86-64 ELF");
    Sha256 sha = ModuleLibrary.stageAvml(Files.write(tmp.resolve("avml-bin"), fakeAvml()), tmp.resolve("only"));
    assertThat(lib.publish(tmp.resolve("only"))).isEmpty();
    assertThat(lib.avml()).contains(sha);
    Files.writeString(tmp.resolve("only/avml/avml.sha256"), "0".repeat(64) + "  avml\n");
    assertThatThrownBy(() -> lib.publish(tmp.resolve("only"))).hasMessageContaining("differs from avml.sha256");
    assertThatThrownBy(() -> lib.publish(Files.createDirectories(tmp.resolve("empty")))).hasMessageContaining("no lime.ko");
  }

  @Test
  void installDocument_sameContentTwice_secondChangesNothing() {
    SsmGateway g = clients.ssm();
    var again = g.installDocument(CaptureDocument.NAME, CaptureDocument.content());
    assertThat(again.changed()).isFalse();
    var updated = g.installDocument(CaptureDocument.NAME, CaptureDocument.content().replace("Custody: capture", "Custody v2: capture"));
    assertThat(updated.changed()).isTrue();
    assertThat(updated.version()).isEqualTo("2");
    String stored = ssm.getDocument(b -> b.name(CaptureDocument.NAME)).content();
    assertThat(stored).contains("Custody v2: capture");
  }

  @Test
  void publish_moduleInAnotherReleasesFolderOrWithWrongHash_refused() throws IOException {
    Path wrong = Files.createDirectories(tmp.resolve("wrong").resolve("5.10.0-1-amd64"));
    Files.write(wrong.resolve("lime.ko"), TestModules.fake(RELEASE));
    ModuleLibrary lib = new ModuleLibrary(new S3LibraryStore(clients.s3(), BUCKET));
    assertThatThrownBy(() -> lib.publish(tmp.resolve("wrong"))).hasMessageContaining("built for kernel " + RELEASE);
    Path bad = Files.createDirectories(tmp.resolve("bad").resolve(RELEASE));
    Files.write(bad.resolve("lime.ko"), TestModules.fake(RELEASE));
    Files.writeString(bad.resolve("lime.ko.sha256"), "0".repeat(64) + "  lime.ko\n");
    assertThatThrownBy(() -> lib.publish(tmp.resolve("bad"))).hasMessageContaining("lime.ko.sha256 says");
    assertThat(lib.list()).extracting(ModuleLibrary.Entry::release).extracting(Object::toString).containsExactly(RELEASE);
  }

  @Test
  void publish_kernelTypesBesideTheModule_inTheBucketAndListed() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("built").resolve(RELEASE));
    Files.write(dir.resolve("lime.ko"), TestModules.fake(RELEASE));
    byte[] vmlinuz = TestImages.bzImage("xz", TestImages.elf(TestImages.tinyBtf()));
    KernelSymbols.make(KernelRelease.of(RELEASE), Map.of(), "boot/vmlinuz-" + RELEASE, vmlinuz, "boot/System.map-" + RELEASE,
        "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n".getBytes(StandardCharsets.US_ASCII)).writeTo(dir);
    ModuleLibrary lib = new ModuleLibrary(new S3LibraryStore(clients.s3(), BUCKET));
    assertThat(lib.publish(tmp.resolve("built")).get(0).kernelFiles()).containsExactly("btf", "symbols.json");
    String prefix = "lime/" + RELEASE + "/";
    assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(prefix + "btf")).asByteArray()).isEqualTo(TestImages.tinyBtf());
    assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(prefix + "symbols.json")).asUtf8String()).contains("\"release\": \"" + RELEASE + "\"");
    assertThat(lib.list()).singleElement().satisfies(e -> {
      assertThat(e.sha256()).isEqualTo(Sha256.digest(TestModules.fake(RELEASE)));
      assertThat(e.kernelFiles()).containsExactlyInAnyOrder("btf", "symbols.json");
    });
  }

  static byte[] lime(boolean whole) {
    return FakeHost.lime(whole);
  }
}
