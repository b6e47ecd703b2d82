package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.Severity;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package integrity on an RPM host (an rpmdb.sqlite made by Debian's rpm from a package rpmbuild
 * built, installed --justdb) and a merged-/usr dpkg host: a replaced ps is critical, an edited
 * configuration file low, a binary no package installed medium, a unit the package installed not a
 * finding; clean hosts made the same way give none. ext4, and XFS as root.
 */
class PackagesImageTest {

  @TempDir Path tmp;

  static final String PS = "#!/bin/sh\necho PID TTY TIME CMD\n";
  static final String CONF = "setting=1\n";
  static final String UNIT = "[Service]\nExecStart=/usr/bin/ps\n";

  /** An RPM built here with /usr/bin/ps, /etc/mini.conf (%config) and a unit; its database written into {@code root}. */
  private void rpmHost(Path root, boolean compromised) throws Exception {
    Path top = Files.createDirectories(tmp.resolve("rpmbuild-" + compromised));
    Files.createDirectories(top.resolve("SPECS"));
    Files.writeString(top.resolve("SPECS/mini.spec"), String.join("\n", "Name: procps-mini", "Version: 1.0", "Release: 1", "Summary: test",
        "License: MIT", "BuildArch: noarch", "%description", "test", "%install",
        "mkdir -p %{buildroot}/usr/bin %{buildroot}/etc %{buildroot}/usr/lib/systemd/system",
        "printf '" + PS.replace("\n", "\\n") + "' > %{buildroot}/usr/bin/ps",
        "printf '" + CONF.replace("\n", "\\n") + "' > %{buildroot}/etc/mini.conf",
        "printf '" + UNIT.replace("\n", "\\n") + "' > %{buildroot}/usr/lib/systemd/system/mini.service",
        "%files", "/usr/bin/ps", "/usr/lib/systemd/system/mini.service", "%config(noreplace) /etc/mini.conf", ""));
    Cases.run(top, "rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top, top.resolve("SPECS/mini.spec").toString());
    Path rpm = Files.list(top.resolve("RPMS/noarch")).findFirst().orElseThrow();
    Path dbpath = Files.createDirectories(root.resolve("var/lib/rpm"));
    Cases.run(tmp, "rpm", "--dbpath", dbpath.toString(), "--initdb");
    Cases.run(tmp, "rpm", "--dbpath", dbpath.toString(), "-i", "--justdb", "--nodeps", "--noscripts", "--notriggers", rpm.toString());
    Files.deleteIfExists(dbpath.resolve(".rpm.lock"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("usr/lib/systemd/system"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("usr/bin/ps"), compromised ? "#!/bin/sh\n/usr/bin/.ps.real \"$@\" | grep -v miner\n" : PS);
    Files.writeString(root.resolve("etc/mini.conf"), compromised ? "setting=2\n" : CONF);
    Files.writeString(root.resolve("usr/lib/systemd/system/mini.service"), UNIT);
    if (compromised) {
      Files.writeString(root.resolve("usr/bin/kworkerd"), "\u007fELF not really\n");
    }
    // Amazon Linux and RHEL log sshd to /var/log/secure
    Files.createDirectories(root.resolve("var/log"));
    Files.writeString(root.resolve("var/log/secure"), "Mar  1 12:00:00 ip-10-0-1-5 sshd[2211]: Accepted publickey for ec2-user from 192.0.2.44 "
        + "port 50514 ssh2: RSA SHA256:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXh\n");
    Cases.run(tmp, "touch", "-d", "2026-03-02 00:00:00 UTC", root.resolve("var/log/secure").toString());
  }

  /** A merged-/usr Debian host: /bin links to usr/bin, dpkg lists /bin/ls with its MD5, and a conffile in status. */
  private void dpkgHost(Path root, boolean compromised) throws Exception {
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("var/lib/dpkg/info"));
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    String ls = "#!/bin/sh\necho ls\n";
    Files.writeString(root.resolve("var/lib/dpkg/info/coreutils.list"), "/.\n/bin\n/bin/ls\n/etc\n/etc/coreutils.conf\n");
    Files.writeString(root.resolve("var/lib/dpkg/info/coreutils.md5sums"), md5(ls) + "  bin/ls\n");
    Files.writeString(root.resolve("var/lib/dpkg/status"), "Package: coreutils\nStatus: install ok installed\nConffiles:\n /etc/coreutils.conf "
        + md5(CONF) + "\nVersion: 9.1-1\n\n");
    Files.writeString(root.resolve("usr/bin/ls"), compromised ? "#!/bin/sh\nexec /usr/lib/.x/ls \"$@\"\n" : ls);
    Files.writeString(root.resolve("etc/coreutils.conf"), CONF);
  }

  private static String md5(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
  }

  private DiskAnalysis.Result analyse(Path image, String id) throws Exception {
    Case kase = Cases.open(tmp.resolve("home-" + id), id);
    Item disk = Cases.addDisk(kase, image, "vol-0" + id.toLowerCase().replaceAll("[^a-z0-9]", "") + "00000000", Compression.ZSTD, 64 << 20);
    return new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work-" + id)).run(kase, disk.id());
  }

  private Path ext4(String name, Cases.Plant plant) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name + "-root"));
    plant.into(root);
    Path image = tmp.resolve(name + ".ext4");
    Cases.run(tmp, "truncate", "-s", "16M", image.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-d", root.toString(), image.toString());
    return image;
  }

  private static void rpmFindings(DiskAnalysis.Result r) {
    List<DiskFinding> f = r.report().findings();
    assertThat(f).filteredOn(x -> x.ruleId().equals("package-file-modified")).singleElement().satisfies(x -> {
      assertThat(x.path()).isEqualTo("/usr/bin/ps");
      assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(x.reason()).contains("package procps-mini (rpm)", "SHA-256");
    });
    assertThat(f).filteredOn(x -> x.ruleId().equals("package-config-changed")).singleElement()
        .satisfies(x -> assertThat(x.severity()).isEqualTo(Severity.LOW));
    assertThat(f).filteredOn(x -> x.ruleId().equals("unpackaged-binary")).extracting(DiskFinding::path).containsExactly("/usr/bin/kworkerd");
    assertThat(f).extracting(DiskFinding::path).as("a unit the package installed").doesNotContain("/usr/lib/systemd/system/mini.service");
    assertThat(r.report().notes()).anySatisfy(n -> assertThat(n).contains("rpm /var/lib/rpm (1 packages, sqlite)"));
    assertThat(r.report().events()).filteredOn(e -> e.kind().equals("ssh-accepted")).singleElement().satisfies(e -> {
      assertThat(e.user()).isEqualTo("ec2-user");
      assertThat(e.address()).isEqualTo("192.0.2.44");
      assertThat(e.timeUtc()).isEqualTo("2026-03-01T12:00:00Z");
      assertThat(e.source()).endsWith(":/var/log/secure:1");
    });
  }

  @Test
  void rpmHost_ext4_replacedPsCritical_editedConfigLow_unpackagedBinary_cleanHostNothing() throws Exception {
    rpmFindings(analyse(ext4("rpm-bad", root -> rpmHost(root, true)), "PKG-1"));
    DiskAnalysis.Result clean = analyse(ext4("rpm-clean", root -> rpmHost(root, false)), "PKG-2");
    assertThat(clean.report().findings()).extracting(DiskFinding::ruleId)
        .doesNotContain("package-file-modified", "package-config-changed", "unpackaged-binary", "systemd");
  }

  @Test
  void rpmHost_xfs_sameFindings() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (XFS is made and walked through loop mounts): skipped");
    rpmFindings(analyse(Cases.xfsImage(tmp, "rpm.xfs", 320, root -> rpmHost(root, true)), "PKG-3"));
  }

  @Test
  void dpkgHost_mergedUsr_replacedLsCritical_cleanHostNothing() throws Exception {
    DiskAnalysis.Result bad = analyse(ext4("deb-bad", root -> dpkgHost(root, true)), "PKG-4");
    assertThat(bad.report().findings()).filteredOn(x -> x.ruleId().equals("package-file-modified")).singleElement().satisfies(x -> {
      assertThat(x.path()).isEqualTo("/usr/bin/ls");
      assertThat(x.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(x.reason()).contains("package coreutils (dpkg)", "MD5");
    });
    assertThat(bad.report().findings()).extracting(DiskFinding::ruleId).doesNotContain("unpackaged-binary", "package-config-changed");
    DiskAnalysis.Result clean = analyse(ext4("deb-clean", root -> dpkgHost(root, false)), "PKG-5");
    assertThat(clean.report().findings()).extracting(DiskFinding::ruleId).doesNotContain("package-file-modified", "unpackaged-binary");
  }
}
