package io.custody.analyzer.disk;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;

import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accounts and privileges: uid-0 users other than root, users added since the last backup copy
 * ({@code /etc/passwd-}), system accounts with a shell and a password, sudoers rules for anyone but
 * root and the admin groups, and new members of the admin groups ({@code /etc/group} against
 * {@code /etc/group-}).
 */
final class AccountChecks {

  private static final Set<String> ADMIN_GROUPS = Set.of("sudo", "wheel", "admin");
  private static final Set<String> STANDARD_SUDOERS = Set.of("root", "%sudo", "%admin", "%wheel");

  private AccountChecks() {}

  /** Home folders of the accounts in /etc/passwd (always /root), for the other checks. */
  static List<String> homes(FsView fs) {
    Set<String> out = new java.util.LinkedHashSet<>();
    out.add("/root");
    BodyfileEntry passwd = fs.get("/etc/passwd");
    if (passwd != null) {
      for (String[] f : rows(fs.text(passwd), 7)) {
        if (f[5].startsWith("/") && !f[5].equals("/") && !f[5].contains("..")) {
          out.add(f[5].replaceAll("/+$", ""));
        }
      }
    }
    for (BodyfileEntry e : fs.children("/home")) {
      if (e.directory()) {
        out.add(e.path());
      }
    }
    return new ArrayList<>(out);
  }

  static void run(FsView fs) {
    users(fs);
    sudoers(fs);
    groups(fs);
  }

  private static void users(FsView fs) {
    BodyfileEntry passwd = fs.get("/etc/passwd");
    if (passwd == null) {
      return;
    }
    List<String[]> now = rows(fs.text(passwd), 7);
    Set<String> before = null;
    BodyfileEntry backup = fs.get("/etc/passwd-");
    if (backup != null) {
      before = new HashSet<>();
      for (String[] f : rows(fs.text(backup), 7)) {
        before.add(f[0]);
      }
    }
    Map<String, String> hashes = new HashMap<>();
    BodyfileEntry shadow = fs.get("/etc/shadow");
    if (shadow != null) {
      for (String[] f : rows(fs.text(shadow), 2)) {
        hashes.put(f[0], f[1]);
      }
    }
    for (String[] f : now) {
      String line = String.join(":", f);
      long uid = parse(f[2]);
      boolean shell = !f[6].endsWith("nologin") && !f[6].endsWith("/false") && !f[6].isBlank() && !f[6].endsWith("/sync");
      if (uid == 0 && !f[0].equals("root")) {
        fs.find("new-or-uid0-user", CRITICAL, passwd, line, "account " + f[0] + " has uid 0: it is root under another name");
      } else if (before != null && !before.contains(f[0])) {
        fs.find("new-or-uid0-user", HIGH, passwd, line, "account " + f[0] + " is not in /etc/passwd- (added after the last account change backup)");
      } else if (uid > 0 && uid < 1000 && shell && usable(hashes.get(f[0]))) {
        fs.find("new-or-uid0-user", HIGH, passwd, line, "system account " + f[0] + " has a login shell and a password");
      }
    }
  }

  private static boolean usable(String hash) {
    return hash != null && !hash.isEmpty() && !hash.startsWith("*") && !hash.startsWith("!");
  }

  private static void sudoers(FsView fs) {
    List<BodyfileEntry> files = new ArrayList<>();
    if (fs.get("/etc/sudoers") != null) {
      files.add(fs.get("/etc/sudoers"));
    }
    files.addAll(fs.filesUnder("/etc/sudoers.d"));
    for (BodyfileEntry e : files) {
      for (String raw : fs.text(e).split("\n")) {
        String l = raw.strip();
        if (l.isEmpty() || l.startsWith("#") || l.startsWith("@") || l.startsWith("Defaults") || l.matches("(User|Runas|Host|Cmnd)_Alias\\b.*")) {
          continue;
        }
        String who = l.split("\\s+")[0];
        if (STANDARD_SUDOERS.contains(who) || !l.contains("=")) {
          continue;
        }
        boolean nopasswdAll = l.contains("NOPASSWD") && l.replace(" ", "").endsWith(":ALL");
        fs.find("sudoers", nopasswdAll ? CRITICAL : HIGH, e, l, "sudo rule for " + who + (nopasswdAll ? ": any command, no password" : ""));
      }
    }
  }

  private static void groups(FsView fs) {
    BodyfileEntry group = fs.get("/etc/group");
    if (group == null) {
      return;
    }
    Map<String, Set<String>> before = null;
    BodyfileEntry backup = fs.get("/etc/group-");
    if (backup != null) {
      before = members(fs.text(backup));
    }
    for (Map.Entry<String, Set<String>> g : members(fs.text(group)).entrySet()) {
      for (String m : g.getValue()) {
        if (before != null && !before.getOrDefault(g.getKey(), Set.of()).contains(m)) {
          fs.find("sudoers", HIGH, group, g.getKey() + ": " + m, m + " was added to admin group " + g.getKey() + " after /etc/group- was written");
        }
      }
    }
  }

  private static Map<String, Set<String>> members(String text) {
    Map<String, Set<String>> out = new HashMap<>();
    for (String[] f : rows(text, 4)) {
      if (ADMIN_GROUPS.contains(f[0]) && !f[3].isBlank()) {
        out.put(f[0], new HashSet<>(List.of(f[3].strip().split(","))));
      }
    }
    return out;
  }

  /** Colon-separated rows with at least {@code min} fields (comments and short lines skipped). */
  static List<String[]> rows(String text, int min) {
    List<String[]> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(":", -1);
      if (f.length >= min) {
        out.add(f);
      }
    }
    return out;
  }

  private static long parse(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
