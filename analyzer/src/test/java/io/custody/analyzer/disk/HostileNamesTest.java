package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.Json;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names are data: a name that is not UTF-8 ({@code touch $'\xff'}), one with a newline and one with
 * a tab, planted next to an {@code authorized_keys}, cannot stop the analysis or hide a finding, and
 * the JSON carries each name's exact bytes. The names are made by the shell: Java cannot make them.
 */
class HostileNamesTest {

  @TempDir Path tmp;

  /** The planted tree: root's authorized_keys and three programs in /tmp with hostile names. */
  private Path plant(Path root) throws Exception {
    Files.createDirectories(root.resolve("root/.ssh"));
    Files.writeString(root.resolve("root/.ssh/authorized_keys"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNm attacker@evil\n");
    Files.createDirectories(root.resolve("tmp"));
    Cases.run(tmp, "sh", "-c", "for n in \"$(printf 'evil-\\377\\376')\" \"$(printf 'new\\nline')\" \"$(printf 'tab\\tname')\"; do "
        + "cp /bin/true \"$1/tmp/$n\"; done", "sh", root.toString());
    return root;
  }

  private static String b64(String latin1) {
    return Base64.getEncoder().encodeToString(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void ext4ThroughTsk_everyFindingStillThere_namesKeptByteForByte() throws Exception {
    Path root = plant(tmp.resolve("root"));
    Path image = tmp.resolve("names.ext4");
    Cases.run(tmp, "truncate", "-s", "16M", image.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-d", root.toString(), image.toString());
    Case kase = Cases.open(tmp.resolve("home"), "NAMES-1");
    Item disk = Cases.addDisk(kase, image, "vol-0names00000000001", Compression.ZSTD, 4 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());

    List<DiskFinding> found = r.report().findings();
    assertThat(found).extracting(f -> f.ruleId() + " " + f.path()).contains("ssh-authorized-keys /root/.ssh/authorized_keys",
        "temp-executable /tmp/evil-\\xFF\\xFE", "temp-executable /tmp/new^line", "temp-executable /tmp/tab^name");
    DiskFinding evil = found.stream().filter(f -> f.path().startsWith("/tmp/evil")).findFirst().orElseThrow();
    assertThat(Base64.getDecoder().decode(evil.pathB64())).isEqualTo("/tmp/evil-\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(found).filteredOn(f -> !f.path().startsWith("/tmp/evil")).allSatisfy(f -> assertThat(f.pathB64()).isNull());
    // The bodyfile is TSK's own, byte for byte (TSK writes control characters as ^); the JSON is UTF-8 with the bytes in path_b64.
    Item body = r.outputs().stream().filter(i -> i.name().startsWith("bodyfile")).findFirst().orElseThrow();
    assertThat(Files.readAllBytes(Cases.file(kase, body))).isEqualTo(Cases.run(tmp, "fls", "-r", "-m", "/", image.toString())
        .getBytes(StandardCharsets.ISO_8859_1));
    Item json = r.outputs().stream().filter(i -> i.name().equals("disk-findings.json")).findFirst().orElseThrow();
    String text = Files.readString(Cases.file(kase, json), StandardCharsets.UTF_8);
    assertThat(Json.mapper().readTree(text).findValues("path_b64")).extracting(n -> n.asText()).containsExactly(b64("/tmp/evil-\u00ff\u00fe"));
  }

  @Test
  void xfsThroughTheMountWalk_exactNamesControlCharactersIncluded() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop device and mount): skipped");
    assumeTrue(Files.isExecutable(Path.of("/sbin/mkfs.xfs")) || Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs")), "mkfs.xfs missing (Debian xfsprogs)");
    Path image = Cases.xfsImage(tmp, "names.xfs", 320, this::plant);
    Case kase = Cases.open(tmp.resolve("home"), "NAMES-2");
    Item disk = Cases.addDisk(kase, image, "vol-0names00000000002", Compression.ZSTD, 64 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());
    assertThat(r.report().filesystems().get(0).method()).isEqualTo("mount");
    List<DiskFinding> found = r.report().findings();
    assertThat(found).extracting(f -> f.ruleId() + " " + f.path()).contains("ssh-authorized-keys /root/.ssh/authorized_keys",
        "temp-executable /tmp/evil-\\xFF\\xFE", "temp-executable /tmp/new\nline", "temp-executable /tmp/tab\tname");
    assertThat(found).filteredOn(f -> f.path().startsWith("/tmp/")).allSatisfy(f -> assertThat(f.sha256()).as("read through the mount: %s", f.path())
        .isNotNull());
    assertThat(found).filteredOn(f -> f.path().startsWith("/tmp/evil")).singleElement()
        .satisfies(f -> assertThat(f.pathB64()).isEqualTo(b64("/tmp/evil-\u00ff\u00fe")));
    Item body = r.outputs().stream().filter(i -> i.name().startsWith("bodyfile")).findFirst().orElseThrow();
    String bodyText = Files.readString(Cases.file(kase, body), StandardCharsets.ISO_8859_1);
    assertThat(bodyText).contains("|/tmp/evil-\u00ff\u00fe|", "|/tmp/new^line|", "|/tmp/tab^name|");
    assertThat(bodyText.lines()).allSatisfy(l -> assertThat(l.split("\\|", -1)).hasSizeGreaterThanOrEqualTo(11));
  }
}
