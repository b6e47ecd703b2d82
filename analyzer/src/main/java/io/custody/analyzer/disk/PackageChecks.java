package io.custody.analyzer.disk;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.LOW;
import static io.custody.evidence.Severity.MEDIUM;

import io.custody.evidence.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Package integrity against the image's own databases ({@link PackageDb}): packaged files whose
 * content no longer has the digest the package manager recorded (a replaced {@code ps} or {@code
 * sshd}, a PAM module with a backdoor), binaries in the system's bin folders that no package
 * installed, and edited configuration files (lower). Checked: every packaged file in {@code /bin},
 * {@code /sbin}, {@code /usr/bin}, {@code /usr/sbin}, the PAM modules, the C, PAM and crypt
 * libraries, and every configuration file; at most {@value #MAX_CHECKED} files (the rest are said).
 */
final class PackageChecks {

  static final int MAX_CHECKED = 20_000;

  /** What rootkits replace first: a change to one of these is critical. */
  private static final Set<String> ROOTKIT_TARGETS = Set.of("ps", "ls", "netstat", "ss", "top", "lsof", "find", "du", "sshd", "ssh", "login",
      "passwd", "sudo", "su", "crontab", "systemctl", "ip", "ifconfig", "w", "who", "last", "lastlog", "pidof", "pgrep", "kill", "bash", "sh");
  private static final List<String> BIN_DIRS = List.of("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/");

  private PackageChecks() {}

  static void run(FsView fs, PackageDb db) {
    if (db.sources().isEmpty()) {
      return;
    }
    Map<String, PackageDb.Owned> check = new TreeMap<>();
    for (Map.Entry<String, PackageDb.Owned> e : db.files().entrySet()) {
      String p = e.getKey();
      if (e.getValue().config() || BIN_DIRS.stream().anyMatch(p::startsWith) || p.matches("/(usr/)?lib(64|32)?/([^/]+/)?security/pam_[^/]+\\.so")
          || p.matches("/(usr/)?lib(64)?/([^/]+/)?lib(c|pam|crypt|audit)\\.so[.0-9]*")) {
        check.put(p, e.getValue());
      }
    }
    int checked = 0;
    for (Map.Entry<String, PackageDb.Owned> c : check.entrySet()) {
      if (checked >= MAX_CHECKED) {
        fs.note("package integrity: " + (check.size() - checked) + " more packaged files were not checked (at most " + MAX_CHECKED + ")");
        break;
      }
      BodyfileEntry e = fs.get(PackageDb.resolve(fs, c.getKey()));
      if (e == null || !e.regular()) {
        continue; // removed files are not a package's integrity (dpkg --verify says missing; so would this, with noise)
      }
      checked++;
      PackageDb.Owned o = c.getValue();
      String now = fs.digest(e, o.algorithm());
      if (now == null || now.equalsIgnoreCase(o.digest())) {
        continue;
      }
      String name = e.name();
      Severity sev = o.config() ? LOW : ROOTKIT_TARGETS.contains(name) ? CRITICAL : HIGH;
      fs.find(o.config() ? "package-config-changed" : "package-file-modified", sev, e, null, (o.config() ? "configuration file " : "")
          + e.path() + " of package " + o.pkg() + " (" + o.db() + ") has " + o.algorithm() + " " + now + "; the package recorded " + o.digest()
          + (o.config() ? " (edited since installation)" : ": replaced or modified after installation"
          + (ROOTKIT_TARGETS.contains(name) ? " — a program rootkits replace to hide themselves" : "")));
    }
    for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
      BodyfileEntry d = fs.get(dir);
      if (d == null || !d.directory()) {
        continue;
      }
      for (BodyfileEntry e : fs.children(dir)) {
        if (e.regular() && !db.paths().contains(e.path())) {
          fs.find("unpackaged-binary", MEDIUM, e, null, e.path() + " is in a system program folder but no package (" + String.join(", ", db.sources())
              + ") installed it");
        }
      }
    }
  }
}
