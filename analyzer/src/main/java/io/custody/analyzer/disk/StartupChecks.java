package io.custody.analyzer.disk;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.MEDIUM;

import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What starts by itself: SSH authorized keys, cron (system, users, anacron), systemd units and
 * timers outside the package set, rc.local and init scripts, {@code /etc/ld.so.preload}.
 */
final class StartupChecks {

  private static final List<String> UNIT_DIRS = List.of("/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
      "/etc/systemd/user", "/usr/lib/systemd/user", "/run/systemd/system");
  private static final List<String> UNIT_SUFFIXES = List.of(".service", ".timer", ".socket", ".path");

  private StartupChecks() {}

  static void run(FsView fs, List<String> homes) {
    authorizedKeys(fs, homes);
    cron(fs);
    systemd(fs, homes);
    rcAndInit(fs);
    preload(fs);
  }

  private static void authorizedKeys(FsView fs, List<String> homes) {
    for (String home : homes) {
      for (String name : List.of("authorized_keys", "authorized_keys2")) {
        BodyfileEntry e = fs.get(home + "/.ssh/" + name);
        if (e == null || !e.regular()) {
          continue;
        }
        for (String line : fs.text(e).split("\n")) {
          String l = line.strip();
          if (l.isEmpty() || l.startsWith("#")) {
            continue;
          }
          String options = keyOptions(l);
          boolean root = home.equals("/root");
          Severity sev = root || options.contains("command=") ? HIGH : MEDIUM;
          fs.find("ssh-authorized-keys", sev, e, l, "SSH key that logs in as " + (root ? "root" : "the owner of " + home)
              + (options.isEmpty() ? "" : " with options " + options));
        }
      }
    }
  }

  /** The options before the key type, e.g. {@code command="…",no-pty}. */
  static String keyOptions(String line) {
    int at = line.indexOf("ssh-");
    int ec = line.indexOf("ecdsa-");
    int sk = line.indexOf("sk-");
    int start = minPositive(minPositive(at, ec), sk);
    return start > 0 ? line.substring(0, start).strip() : "";
  }

  private static int minPositive(int a, int b) {
    if (a < 0) {
      return b;
    }
    return b < 0 ? a : Math.min(a, b);
  }

  private static void cron(FsView fs) {
    List<BodyfileEntry> system = new ArrayList<>();
    for (String p : List.of("/etc/crontab", "/etc/anacrontab")) {
      if (fs.get(p) != null && fs.get(p).regular()) {
        system.add(fs.get(p));
      }
    }
    for (String d : List.of("/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly")) {
      system.addAll(fs.filesUnder(d));
    }
    for (BodyfileEntry e : system) {
      if (e.name().equals(".placeholder")) {
        continue;
      }
      String text = fs.text(e);
      String bad = firstSuspicious(text);
      boolean packaged = fs.packaged().contains(e.path());
      if (bad != null) {
        fs.find("cron", HIGH, e, bad, "system cron job fetches and runs code, opens a shell or runs from a temporary folder");
      } else if (!packaged && !activeLines(text).isEmpty()) {
        fs.find("cron", MEDIUM, e, activeLines(text).get(0), "system cron file not installed by any package");
      }
    }
    List<BodyfileEntry> user = new ArrayList<>(fs.filesUnder("/var/spool/cron/crontabs"));
    for (BodyfileEntry e : fs.children("/var/spool/cron")) {
      if (e.regular()) {
        user.add(e);
      }
    }
    for (BodyfileEntry e : user) {
      List<String> lines = activeLines(fs.text(e));
      if (lines.isEmpty()) {
        continue;
      }
      String bad = firstSuspicious(String.join("\n", lines));
      fs.find("cron", bad != null ? HIGH : MEDIUM, e, bad != null ? bad : lines.get(0),
          "crontab of user " + e.name() + (bad != null ? " fetches and runs code or runs from a temporary folder" : " schedules commands"));
    }
  }

  private static void systemd(FsView fs, List<String> homes) {
    List<String> dirs = new ArrayList<>(UNIT_DIRS);
    homes.forEach(h -> dirs.add(h + "/.config/systemd/user"));
    for (String d : dirs) {
      for (BodyfileEntry e : fs.filesUnder(d)) {
        String n = e.name().toLowerCase(Locale.ROOT);
        if (UNIT_SUFFIXES.stream().noneMatch(n::endsWith) || fs.packaged().contains(e.path())) {
          continue;
        }
        String text = fs.text(e);
        String exec = null;
        for (String line : text.split("\n")) {
          if (line.strip().startsWith("ExecStart") || line.strip().startsWith("OnCalendar") || line.strip().startsWith("OnBootSec")) {
            exec = exec == null ? line.strip() : exec;
          }
        }
        String bad = firstSuspicious(text);
        String kind = n.endsWith(".timer") ? "timer" : "unit";
        fs.find("systemd-unit", bad != null ? HIGH : MEDIUM, e, bad != null ? bad : exec,
            "systemd " + kind + " not installed by any package" + (bad != null ? "; it fetches and runs code or runs from a temporary folder" : ""));
      }
    }
  }

  private static void rcAndInit(FsView fs) {
    BodyfileEntry rc = fs.get("/etc/rc.local");
    if (rc != null && rc.regular()) {
      List<String> lines = activeLines(fs.text(rc));
      lines.removeIf(l -> l.matches("exit\\s+0") || l.startsWith("#!"));
      if (!lines.isEmpty()) {
        String bad = firstSuspicious(String.join("\n", lines));
        fs.find("rc-init", bad != null ? HIGH : MEDIUM, rc, bad != null ? bad : lines.get(0), "/etc/rc.local runs commands at boot");
      }
    }
    for (BodyfileEntry e : fs.filesUnder("/etc/init.d")) {
      if (!fs.packaged().contains(e.path()) && !e.name().equals("README") && !e.name().startsWith(".")) {
        String text = fs.text(e);
        String bad = firstSuspicious(text);
        fs.find("rc-init", bad != null ? HIGH : MEDIUM, e, bad != null ? bad : firstCommand(text), "init script not installed by any package");
      }
    }
  }

  private static void preload(FsView fs) {
    BodyfileEntry e = fs.get("/etc/ld.so.preload");
    if (e != null && e.regular()) {
      List<String> lines = activeLines(fs.text(e));
      if (!lines.isEmpty()) {
        fs.find("ld-so-preload", CRITICAL, e, String.join(" ", lines),
            "/etc/ld.so.preload injects libraries into every dynamically linked program (a classic rootkit hook)");
      }
    }
  }

  /** Lines that are not blank, comments or variable settings. */
  static List<String> activeLines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#") && !l.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        out.add(l);
      }
    }
    return out;
  }

  static String firstSuspicious(String text) {
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("#")) {
        continue;
      }
      if (Suspicious.runsFetchedCode(l) || Suspicious.runsFromTemp(l)) {
        return l;
      }
    }
    return null;
  }

  private static String firstCommand(String text) {
    List<String> lines = activeLines(text);
    return lines.isEmpty() ? null : lines.get(0);
  }
}
