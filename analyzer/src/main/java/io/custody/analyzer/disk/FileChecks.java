package io.custody.analyzer.disk;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.LOW;

import io.custody.evidence.Severity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Files themselves: SUID/SGID binaries outside the standard folders, known miners and their
 * configurations, shell histories that fetch and run code, web shells in web roots, programs in
 * /tmp, /var/tmp and /dev/shm, and files changed in the incident window.
 */
final class FileChecks {

  private static final List<String> STANDARD_BIN = List.of("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/lib/", "/usr/lib64/",
      "/usr/libexec/", "/lib/", "/lib64/", "/usr/lib32/", "/snap/");
  private static final Set<String> MINERS = Set.of("xmrig", "xmrig-notls", "xmr-stak", "xmr-stak-cpu", "minerd", "cpuminer", "ccminer",
      "cgminer", "bfgminer", "nbminer", "t-rex", "lolminer", "phoenixminer", "nanominer", "srbminer", "kdevtmpfsi", "kinsing", "xmrigdaemon");
  private static final Pattern MINER_CONFIG = Pattern.compile("stratum\\+(tcp|ssl|tls)://|\"donate-level\"|\"coin\"\\s*:\\s*\"(monero|xmr)\"",
      Pattern.CASE_INSENSITIVE);
  private static final List<String> TEMP = List.of("/tmp", "/var/tmp", "/dev/shm");
  private static final List<String> WEB_ROOTS = List.of("/var/www", "/srv/www", "/srv/http", "/usr/share/nginx/html", "/opt/lampp/htdocs",
      "/usr/local/apache2/htdocs", "/var/lib/tomcat", "/var/lib/tomcat9", "/var/lib/tomcat10", "/opt/tomcat/webapps");
  private static final Pattern WEB_EXT = Pattern.compile(".*\\.(php[3-8]?|phtml|phar|inc|jsp|jspx|asp|aspx|ashx|cgi|pl)$", Pattern.CASE_INSENSITIVE);
  private static final List<Pattern> WEB_SHELL = List.of(
      Pattern.compile("\\b(eval|assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\\s*\\(\\s*[^;]{0,120}\\$_(GET|POST|REQUEST|COOKIE|FILES)"),
      Pattern.compile("\\b(eval|assert)\\s*\\(\\s*(base64_decode|gzinflate|gzuncompress|str_rot13|gzdecode)\\s*\\("),
      Pattern.compile("`\\s*\\$_(GET|POST|REQUEST|COOKIE)"),
      Pattern.compile("preg_replace\\s*\\(\\s*['\"].*/e['\"]"),
      Pattern.compile("Runtime\\.getRuntime\\(\\)\\.exec\\([^;]{0,120}request\\.getParameter"),
      Pattern.compile("new\\s+ProcessBuilder\\([^;]{0,120}request\\.getParameter"),
      Pattern.compile("Process\\.Start\\([^;]{0,120}Request"));
  private static final Set<String> HISTORIES = Set.of(".bash_history", ".zsh_history", ".ash_history", ".sh_history", ".history", "fish_history");
  private static final int MAX_WINDOW = 1000;

  private FileChecks() {}

  static void run(FsView fs, List<String> homes, Long since, Long until) {
    for (BodyfileEntry e : fs.entries) {
      if (e.deleted() || !e.regular()) {
        continue;
      }
      suid(fs, e);
      miner(fs, e);
    }
    histories(fs, homes);
    webShells(fs);
    tempPrograms(fs);
    if (since != null || until != null) {
      window(fs, since == null ? Long.MIN_VALUE : since, until == null ? Long.MAX_VALUE : until);
    }
  }

  private static void suid(FsView fs, BodyfileEntry e) {
    if ((e.setuid() || e.setgid()) && STANDARD_BIN.stream().noneMatch(e.path()::startsWith)) {
      boolean temp = TEMP.stream().anyMatch(t -> e.path().startsWith(t + "/"));
      fs.find("suid-sgid-outside-standard-paths", temp || (e.setuid() && e.uid() == 0) ? CRITICAL : HIGH, e, null,
          (e.setuid() ? "set-user-id" : "set-group-id") + " program outside the standard binary folders (owner uid " + e.uid() + ")");
    }
  }

  private static void miner(FsView fs, BodyfileEntry e) {
    String n = e.name().toLowerCase(Locale.ROOT);
    String base = n.contains(".") ? n.substring(0, n.indexOf('.')) : n;
    if (MINERS.contains(n) || MINERS.contains(base)) {
      fs.find("miner", HIGH, e, null, "file named like a known cryptocurrency miner (" + e.name() + ")");
      return;
    }
    // Reading a file costs a process (icat): only configuration-like files where miners drop them are read.
    boolean config = (n.endsWith(".json") || n.endsWith(".conf") || n.endsWith(".cfg") || n.endsWith(".ini")) && e.size() > 0 && e.size() <= 256 << 10;
    if (config && minerPlace(e.path()) && !fs.packaged().contains(e.path())) {
      String text = fs.text(e);
      var m = MINER_CONFIG.matcher(text);
      if (m.find()) {
        fs.find("miner", HIGH, e, around(text, m.start()), "cryptocurrency miner configuration (pool or donate-level settings)");
      }
    }
  }

  /** Where miner droppers put their files: temporary, home, optional and web folders, and any hidden folder. */
  private static boolean minerPlace(String path) {
    for (String p : List.of("/tmp/", "/var/tmp/", "/dev/shm/", "/opt/", "/root/", "/home/", "/srv/", "/usr/local/", "/var/www/", "/run/")) {
      if (path.startsWith(p)) {
        return true;
      }
    }
    return path.contains("/.");
  }

  private static void histories(FsView fs, List<String> homes) {
    for (String home : homes) {
      for (BodyfileEntry e : fs.filesUnder(home)) {
        if (!HISTORIES.contains(e.name())) {
          continue;
        }
        List<String> hits = Suspicious.historyHits(fs.text(e));
        if (!hits.isEmpty()) {
          fs.find("shell-history", HIGH, e, String.join("\n", hits), "shell history fetches code from the network and runs it");
        }
      }
    }
  }

  private static void webShells(FsView fs) {
    for (String root : WEB_ROOTS) {
      for (BodyfileEntry e : fs.filesUnder(root)) {
        if (!WEB_EXT.matcher(e.name()).matches() || e.size() > 1 << 20) {
          continue;
        }
        String text = fs.text(e);
        for (Pattern p : WEB_SHELL) {
          var m = p.matcher(text);
          if (m.find()) {
            fs.find("web-shell", CRITICAL, e, around(text, m.start()), "server-side script in a web root runs commands or code taken from the request");
            break;
          }
        }
      }
    }
  }

  private static void tempPrograms(FsView fs) {
    for (String t : TEMP) {
      for (BodyfileEntry e : fs.filesUnder(t)) {
        byte[] head = fs.bytes(e, 4);
        boolean elf = head.length == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        boolean script = head.length >= 2 && head[0] == '#' && head[1] == '!' && e.executable();
        if (elf || script) {
          fs.find("temp-executable", HIGH, e, elf ? null : new String(fs.bytes(e, 200), StandardCharsets.UTF_8),
              (elf ? "ELF program" : "executable script") + " in " + t + ", a world-writable place malware runs from");
        }
      }
    }
  }

  private static void window(FsView fs, long since, long until) {
    int n = 0;
    for (BodyfileEntry e : fs.entries) {
      if (e.directory() || e.path().startsWith("/$")) {
        continue;
      }
      String which = in(e.mtime(), since, until) ? "modified" : in(e.ctime(), since, until) ? "changed (ctime)"
          : in(e.crtime(), since, until) ? "created" : null;
      if (which != null) {
        if (++n > MAX_WINDOW) {
          fs.note("more than " + MAX_WINDOW + " entries changed in the incident window; only the first " + MAX_WINDOW
              + " are findings (timeline.csv has them all)");
          break;
        }
        fs.find("changed-in-window", LOW, e, null, which + " in the incident window" + (e.deleted() ? " (now deleted)" : ""));
      }
    }
  }

  private static boolean in(long t, long since, long until) {
    return t != 0 && t >= since && t <= until;
  }

  private static String around(String text, int at) {
    int start = Math.max(0, text.lastIndexOf('\n', at) + 1);
    int end = text.indexOf('\n', at);
    return text.substring(start, end < 0 ? text.length() : end);
  }
}
