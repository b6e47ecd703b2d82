package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.testing.Cases;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers of login records and logs against the standard tools on the same files: wtmp/btmp
 * written by util-linux's {@code utmpdump -r} and read back by {@code last}/{@code lastb}; lastlog
 * read by shadow's {@code lastlog}; key fingerprints by OpenSSH's {@code ssh-keygen -l}; syslog
 * lines in both rsyslog formats with their years inferred across New Year.
 */
class HostRecordsTest {

  @TempDir Path tmp;

  static final String WTMP = String.join("\n",
      "[2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0-18-cloud-amd64] [0.0.0.0        ] [2026-03-01T11:58:00,000000+00:00]",
      "[7] [01234] [ts/0] [root    ] [pts/0       ] [203.0.113.5         ] [203.0.113.5    ] [2026-03-01T12:00:00,123456+00:00]",
      "[7] [01240] [ts/1] [admin   ] [pts/1       ] [2001:db8::7         ] [2001:db8::7    ] [2026-03-01T12:05:00,000000+00:00]",
      "[8] [01234] [ts/0] [        ] [pts/0       ] [                    ] [0.0.0.0        ] [2026-03-01T12:30:00,000000+00:00]", "");

  @Test
  void wtmp_writtenByUtmpdump_readAsLastReadsIt() throws Exception {
    Path txt = Files.writeString(tmp.resolve("w.txt"), WTMP);
    Path bin = tmp.resolve("wtmp");
    Cases.run(tmp, "sh", "-c", "utmpdump -r -o " + bin + " < " + txt);
    Utmp.Parsed p = Utmp.parse(Files.readAllBytes(bin));
    assertThat(p.trailing()).isZero();
    assertThat(p.records()).hasSize(4);
    String last = Cases.run(tmp, List.of("TZ=UTC"), "last", "-f", bin.toString(), "--time-format", "iso", "-w", "-i", "-x");
    for (Utmp.Record r : p.records()) {
      if (r.type() == Utmp.USER_PROCESS) {
        String when = java.time.Instant.ofEpochSecond(r.seconds()).toString().replace("Z", "+00:00");
        String addr = r.address().equals("2001:db8:0:0:0:0:0:7") ? "2001:db8::7" : r.address(); // last prints the short form
        assertThat(last).as(r.toString()).containsPattern("(?m)^" + r.user() + "\\s+" + r.line() + "\\s+" + java.util.regex.Pattern.quote(addr)
            + "\\s+" + java.util.regex.Pattern.quote(when));
      }
    }
    assertThat(p.records().get(1).micros()).isEqualTo(123456);
    assertThat(p.records().get(2).address()).isEqualTo("2001:db8:0:0:0:0:0:7");
    // cut in the middle of a record: said, and the whole records before it kept
    byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(bin), Utmp.RECORD * 3 + 100);
    Utmp.Parsed c = Utmp.parse(cut);
    assertThat(c.records()).hasSize(3);
    assertThat(c.trailing()).isEqualTo(100);
  }

  @Test
  void btmp_writtenByUtmpdump_readAsLastbReadsIt() throws Exception {
    Path txt = Files.writeString(tmp.resolve("b.txt"), String.join("\n",
        "[6] [02001] [    ] [oracle  ] [ssh:notty   ] [198.51.100.7        ] [198.51.100.7   ] [2026-03-01T11:50:00,000000+00:00]",
        "[6] [02002] [    ] [root    ] [ssh:notty   ] [2001:db8::66        ] [2001:db8::66   ] [2026-03-01T11:51:00,000000+00:00]", ""));
    Path bin = tmp.resolve("btmp");
    Cases.run(tmp, "sh", "-c", "utmpdump -r -o " + bin + " < " + txt);
    String lastb = Cases.run(tmp, List.of("TZ=UTC"), "lastb", "-f", bin.toString(), "--time-format", "iso", "-w", "-i");
    Utmp.Parsed p = Utmp.parse(Files.readAllBytes(bin));
    assertThat(p.records()).extracting(Utmp.Record::user).containsExactly("oracle", "root");
    assertThat(lastb).contains("oracle", "198.51.100.7", "2026-03-01T11:50:00+00:00", "root", "2001:db8::66", "2026-03-01T11:51:00+00:00");
    assertThat(p.records().get(1).address()).isEqualTo("2001:db8:0:0:0:0:0:66");
  }

  @Test
  void lastlog_readAsShadowsLastlogReadsIt() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (lastlog -R chroots): skipped");
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("var/log"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\nadmin:x:1000:\n");
    Files.write(root.resolve("var/log/lastlog"), lastlog(1000, 1772366700L, "pts/1", "198.51.100.9"));
    String shadow = Cases.run(tmp, List.of("TZ=UTC"), "lastlog", "-R", root.toString(), "-u", "admin");
    List<Utmp.LastLogin> ours = Utmp.lastlog(Files.readAllBytes(root.resolve("var/log/lastlog")));
    assertThat(ours).singleElement().satisfies(l -> {
      assertThat(l.uid()).isEqualTo(1000);
      assertThat(l.line()).isEqualTo("pts/1");
      assertThat(l.host()).isEqualTo("198.51.100.9");
      assertThat(shadow).contains("admin", "pts/1", "198.51.100.9", "Mar  1 12:05:00 +0000 2026");
    });
  }

  /** A lastlog file with one entry, at UID {@code uid} (the file is sparse before it). */
  static byte[] lastlog(int uid, long time, String line, String host) {
    ByteBuffer b = ByteBuffer.allocate(Utmp.LASTLOG * (uid + 1)).order(ByteOrder.LITTLE_ENDIAN);
    int at = Utmp.LASTLOG * uid;
    b.putInt(at, (int) time);
    b.put(at + 4, line.getBytes(StandardCharsets.US_ASCII));
    b.put(at + 36, host.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  @Test
  void keyFingerprints_asSshKeygenPrintsThem() throws Exception {
    Path key = tmp.resolve("k");
    Cases.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "attacker@evil", "-f", key.toString());
    Cases.run(tmp, "ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "ops", "-f", tmp.resolve("r").toString());
    String ed = Files.readString(tmp.resolve("k.pub")).strip();
    String rsa = Files.readString(tmp.resolve("r.pub")).strip();
    String text = "# keys\ncommand=\"/usr/bin/true\",no-pty " + ed + "\n\n" + rsa + "\nssh-ed25519 not-base64!\nssh-rsa "
        + ed.split(" ")[1] + " type mismatch\n";
    List<SshKeys.Key> keys = SshKeys.parse("root", "p1:/root/.ssh/authorized_keys", text);
    assertThat(keys).hasSize(2);
    for (SshKeys.Key k : keys) {
      Path pub = tmp.resolve(k.line() == 2 ? "k.pub" : "r.pub");
      String sha = Cases.run(tmp, "ssh-keygen", "-l", "-f", pub.toString()).split(" ")[1];
      String md5 = Cases.run(tmp, "ssh-keygen", "-l", "-E", "md5", "-f", pub.toString()).split(" ")[1];
      assertThat(k.sha256()).isEqualTo(sha);
      assertThat(k.md5()).isEqualTo(md5);
    }
    assertThat(keys.get(0).options()).isEqualTo("command=\"/usr/bin/true\",no-pty");
    assertThat(keys.get(0).comment()).isEqualTo("attacker@evil");
    assertThat(keys.get(1).line()).isEqualTo(4);
  }

  @Test
  void syslog_bothFormats_yearInferredAcrossNewYear_inTheImagesZone() {
    String text = String.join("\n",
        "Dec 31 23:59:58 web-1 sshd[100]: Failed password for invalid user oracle from 198.51.100.7 port 40022 ssh2",
        "Jan  1 00:00:03 web-1 sshd[101]: Accepted publickey for root from 203.0.113.5 port 51234 ssh2: ED25519 "
            + "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
        "2027-01-01T00:10:00.123456+01:00 web-1 sudo:    admin : TTY=pts/0 ; PWD=/home/admin ; USER=root ; COMMAND=/usr/bin/bash -c id",
        "Jan  1 00:20:00 web-1 useradd[300]: new user: name=backdoor, UID=1001, GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0",
        "garbage line", "");
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    long modified = ZonedDateTime.of(2027, 1, 2, 6, 25, 0, 0, berlin).toEpochSecond();
    List<Syslog.Line> lines = Syslog.parse(text, modified, berlin);
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0).epoch()).isEqualTo(ZonedDateTime.of(2026, 12, 31, 23, 59, 58, 0, berlin).toEpochSecond());
    assertThat(lines.get(1).epoch()).isEqualTo(ZonedDateTime.of(2027, 1, 1, 0, 0, 3, 0, berlin).toEpochSecond());
    assertThat(lines.get(1).yearInferred()).isTrue();
    assertThat(lines.get(2).epoch()).isEqualTo(ZonedDateTime.of(2026, 12, 31, 23, 10, 0, 0, ZoneOffset.UTC).toEpochSecond());
    assertThat(lines.get(2).yearInferred()).isFalse();
    List<HostEvent> events = lines.stream().map(l -> HostLogins.classify(l, "t:" + l.number())).flatMap(java.util.Optional::stream).toList();
    assertThat(events).extracting(HostEvent::kind).containsExactly("ssh-failed", "ssh-accepted", "sudo", "user-added");
    assertThat(events.get(0).user()).isEqualTo("oracle");
    assertThat(events.get(0).detail()).isEqualTo("invalid user");
    assertThat(events.get(1).key()).isEqualTo("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s");
    assertThat(events.get(1).timeUtc()).isEqualTo("2026-12-31T23:00:03Z");
    assertThat(events.get(2).detail()).isEqualTo("as root tty pts/0: /usr/bin/bash -c id");
    assertThat(events.get(3).user()).isEqualTo("backdoor");
  }
}
