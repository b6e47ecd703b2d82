package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.collector.aws.AwsConfig;
import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.SsmGateway;
import io.custody.collector.testing.FakeHost;
import io.custody.evidence.HostException;
import io.custody.evidence.IntegrityException;
import io.custody.evidence.Json;
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
import io.custody.lime.symbols.TestBtf;
import io.custody.lime.symbols.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

  /** The banner of the symbols' kernel, as /proc/version gives it. */
  static final String BANNER = "Linux version " + RELEASE + " (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP "
      + "PREEMPT_DYNAMIC Debian 6.1.99-1\n";

  /** What capture.sh sends for a kernel with BTF and no System.map: its BTF, /proc/kallsyms (40 real lines, KASLR at 0x9000000), /proc/version. */
  static Map<String, byte[]> kernelSymbols() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("btf", TestBtf.kernelLike());
    try (InputStream in = MemoryCaptureEmulatorTest.class.getResourceAsStream("/io/custody/lime/symbols/kallsyms-sample")) {
      m.put("kallsyms", in.readAllBytes());
    }
    m.put("version", BANNER.getBytes(StandardCharsets.US_ASCII));
    return m;
  }

  Thread hostSending(Map<String, byte[]> symbols, Consumer<ArrayNode> report) {
    FakeHost h = new FakeHost(ssm, instanceId, RELEASE, lime(true), FakeHost.Behaviour.NORMAL, hosts.size());
    h.symbols = symbols;
    h.reportSymbols = report;
    hosts.add(h);
    return h.start();
  }

  /** The capture's own record (the instance's memory, no item), not an AWS call's or an item's. */
  static boolean ofTheCapture(CustodyEntry e) {
    return e.aws() == null && e.objects().stream().anyMatch(o -> o.itemId() == null && "memory".equals(o.role()));
  }

  /** The item's side files, less the SHA-256 file every item has. */
  static List<String> sideFiles(Item item) {
    return item.files().stream().filter(f -> !f.endsWith(".sha256")).toList();
  }

  static byte[] content(Case kase, Item item) throws IOException {
    try (InputStream in = new io.custody.analyzer.ItemStream(kase, item)) {
      return in.readAllBytes();
    }
  }

  @Test
  void acquire_hostSendsItsKernelSymbols_symbolsItemWithTheTableAndTheFilesAsSent() throws Exception {
    Map<String, byte[]> sent = kernelSymbols();
    Thread t = hostSending(sent, a -> { });
    CaptureReport r = capture().check(false, 1).acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).error.get()).isNull();
    assertThat(hosts.get(0).plan).containsPattern("(?m)^symbols btf http").containsPattern("(?m)^symbols kallsyms http")
        .containsPattern("(?m)^symbols system-map http").containsPattern("(?m)^symbols version http");
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.symbolsItem()).isNotNull().isNotEqualTo(r.itemId());
    assertThat(r.notes()).anyMatch(n -> n.startsWith("symbol table made from BTF (16 types) and kallsyms (32 symbols, KASLR offset 0x9000000 taken out)"));
    assertThat(r.check()).isEqualTo(new CaptureCheck("skipped", null, "not asked for (--no-check)", 0, 1));

    Item item = kase.item(r.symbolsItem(), null);
    assertThat(item.type().label()).isEqualTo("symbols");
    assertThat(item.name()).isEqualTo(SymbolsStore.ISF);
    assertThat(item.sourceId()).isEqualTo(instanceId);
    assertThat(item.notes()).contains("kernel symbols of " + RELEASE, "memory item " + r.itemId());
    assertThat(item.files()).contains("btf", "kallsyms", "proc-version").doesNotContain("system-map", "version");
    Path dir = kase.dir().resolve(item.dir());
    assertThat(Files.readAllBytes(dir.resolve("btf"))).isEqualTo(sent.get("btf"));
    assertThat(Files.readAllBytes(dir.resolve("kallsyms"))).isEqualTo(sent.get("kallsyms"));
    assertThat(Files.readString(dir.resolve("proc-version"))).isEqualTo(BANNER);

    JsonNode isf = Json.mapper().readTree(content(kase, item));
    JsonNode initTask = isf.path("symbols").path("init_task");
    assertThat(initTask.path("address").asText()).isEqualTo(Long.toUnsignedString(0xffffffff82a1aa40L)); // KASLR taken out
    assertThat(initTask.path("type").path("name").asText()).isEqualTo("task_struct");
    assertThat(isf.path("symbols").path("current_task").path("address").asLong()).isEqualTo(0x1fb80L);
    assertThat(new String(java.util.Base64.getDecoder().decode(isf.path("symbols").path("linux_banner").path("constant_data").asText()),
        StandardCharsets.US_ASCII)).isEqualTo(BANNER + "\0");
    JsonNode source = isf.path("metadata").path("linux").path("symbols").get(0);
    assertThat(source.path("name").asText()).isEqualTo("/proc/kallsyms");
    assertThat(source.path("hash_value").asText()).isEqualTo(Sha256.digest(sent.get("kallsyms")).hex());
    assertThat(isf.path("metadata").path("producer").path("types_from_btf").path("sha256").asText()).isEqualTo(Sha256.digest(sent.get("btf")).hex());

    // the custody log's record of the capture names both items
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
    assertThat(log()).filteredOn(e -> "acquired".equals(e.event()) && e.outcome() == Outcome.SUCCEEDED && ofTheCapture(e)).singleElement()
        .satisfies(e -> assertThat(e.objects()).extracting(o -> o.itemId()).contains(r.itemId(), r.symbolsItem()));
  }

  @Test
  void acquire_hostReportsOtherBytesThanS3Holds_thoseFilesNotUsedSaidCaptureSucceeds() throws Exception {
    Map<String, byte[]> sent = kernelSymbols();
    Thread t = hostSending(sent, a -> {
      for (JsonNode e : a) {
        if (e.path("kind").asText().equals("btf")) {
          ((ObjectNode) e).put("sha256", "0".repeat(64)); // what it says it sent is not what S3 holds
        }
        if (e.path("kind").asText().equals("kallsyms")) {
          ((ObjectNode) e).put("bytes", e.path("bytes").asLong() - 1);
        }
      }
    });
    CaptureReport r = capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).error.get()).isNull();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.notes()).anyMatch(n -> n.startsWith("btf in S3 (" + sent.get("btf").length + " bytes, sha256 " + Sha256.digest(sent.get("btf")).hex()
        + ") is not what the host sent (" + sent.get("btf").length + " bytes, sha256 " + "0".repeat(64) + "); not used"));
    assertThat(r.notes()).anyMatch(n -> n.startsWith("kallsyms in S3 (" + sent.get("kallsyms").length + " bytes") && n.endsWith("not used"));
    assertThat(r.notes()).anyMatch(n -> n.startsWith("no BTF"));
    // the banner alone is kept, in an item that holds no table
    Item item = kase.item(r.symbolsItem(), null);
    assertThat(item.name()).isEqualTo("symbols-sent.json");
    assertThat(sideFiles(item)).containsExactly("proc-version");
    // nothing to check the image with: skipped and said, not failed, so the capture stands
    assertThat(r.check().status()).isEqualTo("skipped");
    assertThat(r.check().reason()).startsWith("no symbol table for this kernel: ").contains("not used");
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
  }

  @Test
  void acquire_hostileSymbolsEntries_ignoredAndSaidTheTableStillMadeFromTheGoodOnes() throws Exception {
    Map<String, byte[]> sent = kernelSymbols();
    Thread t = hostSending(sent, a -> {
      a.addObject().put("kind", "../../../etc/passwd").put("status", "sent").put("bytes", 10).put("sha256", "a".repeat(64)).put("source", "x");
      // reported sent, never PUT: nothing in S3 under its key
      a.addObject().put("kind", "system-map").put("status", "sent").put("bytes", 100).put("sha256", "a".repeat(64))
          .put("source", "/boot/System.map-" + RELEASE);
      a.addObject().put("kind", "version").put("status", "sent").put("bytes", new java.math.BigInteger("123456789012345678901234567890"))
          .put("sha256", "zz");
      a.addObject().put("kind", "btf").put("status", "missing\u001b[2J").put("bytes", 0).put("sha256", "-").put("source", "/sys/kernel/btf/vmlinux");
      a.add(7);
      a.addNull();
    });
    CaptureReport r = capture().check(false, 1).acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(hosts.get(0).error.get()).isNull();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.notes()).contains("the host reports an unexpected symbols file '../../../etc/passwd'; ignored",
        "the host reports version twice; the first kept, the second ignored", "the host reports btf twice; the first kept, the second ignored",
        "the host reports an unexpected symbols file 'null'; ignored");
    assertThat(r.notes()).anyMatch(n -> n.startsWith("system-map could not be fetched: "));
    assertThat(r.notes()).anyMatch(n -> n.startsWith("symbol table made from BTF"));
    assertThat(String.join("\n", r.notes())).doesNotContain("\u001b");
    Item item = kase.item(r.symbolsItem(), null);
    assertThat(item.name()).isEqualTo(SymbolsStore.ISF);
    assertThat(sideFiles(item)).containsExactlyInAnyOrder("btf", "kallsyms", "proc-version");
    assertThat(Files.list(kase.dir().resolve(item.dir()))).noneMatch(f -> f.getFileName().toString().contains("passwd"));
  }

  @Test
  void acquire_hostSendsNoSymbols_saidCheckSkippedWithTheReason() throws Exception {
    Thread t = host(lime(true), FakeHost.Behaviour.NORMAL, RELEASE);
    CaptureReport r = capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.symbolsItem()).isNull();
    assertThat(r.notes()).contains("the host sent no symbols (an older capture document?): Volatility needs an ISF for kernel " + RELEASE);
    assertThat(r.check().status()).isEqualTo("skipped");
    assertThat(r.check().reason()).isEqualTo("no symbol table for this kernel: the host sent no symbols (an older capture document?): "
        + "Volatility needs an ISF for kernel " + RELEASE);
    assertThat(r.check().attempt()).isEqualTo(1);
    assertThat(kase.items()).extracting(i -> i.type().label()).containsExactly("memory");
    assertThat(Acquisitions.state(log(), instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
    assertThat(log()).anySatisfy(e -> assertThat(e.notes()).contains("Volatility check (attempt 1): skipped"));
  }

  @Test
  void acquire_kallsymsAddressesHidden_noTableSaidCheckSkipped() throws Exception {
    Map<String, byte[]> sent = kernelSymbols();
    String hidden = new String(sent.get("kallsyms"), StandardCharsets.US_ASCII).lines().map(l -> "0000000000000000" + l.substring(16))
        .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    sent.put("kallsyms", hidden.getBytes(StandardCharsets.US_ASCII));
    Thread t = hostSending(sent, a -> { });
    CaptureReport r = capture().acquire(kase, request(), ProgressListener.NONE);
    t.join();
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.notes()).contains("the host's kallsyms shows every address as 0 (kernel.kptr_restrict=2?): no symbol table made");
    Item item = kase.item(r.symbolsItem(), null);
    assertThat(item.name()).isEqualTo("symbols-sent.json");
    assertThat(sideFiles(item)).containsExactlyInAnyOrder("btf", "kallsyms", "proc-version");
    assertThat(r.check().status()).isEqualTo("skipped");
    assertThat(r.check().reason()).contains("kptr_restrict");
  }

  static byte[] lime(boolean whole) {
    return FakeHost.lime(whole);
  }
}
