package io.custody.analyzer.disk;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.MEDIUM;

import io.custody.evidence.Printable;
import io.custody.evidence.Severity;
import io.custody.evidence.ids.Cidr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Who logged in, from where, with which key, and what they changed, from one file system's own
 * records: {@code wtmp}, {@code btmp}, {@code utmp} (rotated and gzip-rotated too), {@code lastlog},
 * and the authentication logs {@code auth.log*} (Debian, Ubuntu) and {@code secure*} (Amazon Linux,
 * RHEL): sshd's accepted, failed and invalid-user lines, sudo, su, useradd, usermod, password changes.
 * The keys of every user's {@code authorized_keys} (the files sshd_config's {@code
 * AuthorizedKeysFile} names) are fingerprinted as sshd logs them and tied to the logins that used
 * them. Nothing on the evidence is run; every file is read bounded.
 */
final class HostLogins {

  /** The most bytes read of one log file (decompressed). */
  static final int MAX_LOG = 128 << 20;
  /** Failures from one address before a success from it that make password guessing. */
  static final int GUESSES = 5;

  private static final Pattern ROTATED = Pattern.compile("(\\.\\d{1,3}|-\\d{8})?(\\.gz)?");
  private static final Pattern ACCEPTED = Pattern.compile(
      "^Accepted (\\S+) for (\\S+) from (\\S+) port (\\d{1,5})(?: ssh2)?(?:: (\\S+) (SHA256:[A-Za-z0-9+/]{43}|MD5:[0-9a-f:]{47}))?.*$");
  private static final Pattern FAILED = Pattern.compile("^Failed (\\S+) for (invalid user )?(\\S*) from (\\S+) port (\\d{1,5}).*$");
  private static final Pattern INVALID = Pattern.compile("^Invalid user (\\S*) from (\\S+)(?: port (\\d{1,5}))?.*$");
  private static final Pattern SUDO = Pattern.compile("^\\s*(\\S+) : (?:(.*?) ; )?TTY=(\\S+) ; PWD=(.*?) ; USER=(\\S+) ;(?: .*?;)? COMMAND=(.*)$");
  private static final Pattern SU_TO = Pattern.compile("^\\(to (\\S+)\\) (\\S+) on (\\S+).*$");
  private static final Pattern SU_PAM = Pattern.compile("^pam_unix\\(su(?:-l)?:session\\): session opened for user ([^(\\s]+)(?:\\(uid=\\d+\\))? by ([^(\\s]*).*$");
  private static final Pattern USERADD = Pattern.compile("^new user: name=([^,]+), UID=(\\d+), GID=(\\d+), home=([^,]+), shell=([^,\\s]+).*$");
  private static final Pattern USERMOD = Pattern.compile("^add '([^']+)' to (?:shadow )?group '([^']+)'.*$");
  private static final Pattern PASSWD = Pattern.compile("^pam_unix\\((?:passwd|chpasswd):chauthtok\\): password changed for (\\S+).*$");

  /**
   * What the rest of the case says.
   *
   * @param addresses addresses seen elsewhere in the case (CloudTrail sourceIPAddress, memory connections) and where
   * @param known the analyst's known networks ({@code --known-cidr}); empty: none given
   */
  record Context(Map<String, String> addresses, List<Cidr> known) {
    static final Context NONE = new Context(Map.of(), List.of());
  }

  /** The events and keys of one file system. */
  record Result(List<HostEvent> events, List<SshKeys.Key> keys) {}

  private HostLogins() {}

  /** The largest journal file read. */
  static final long MAX_JOURNAL = 1L << 30;

  static Result run(FsView fs, Context ctx, java.nio.file.Path work) {
    ZoneId zone = zone(fs);
    Map<Long, String> names = uidNames(fs);
    List<HostEvent> events = new ArrayList<>();
    List<HostEvent> wtmpLogins = new ArrayList<>();
    long wtmpFrom = Long.MAX_VALUE;
    boolean anyWtmp = false;
    for (BodyfileEntry e : logs(fs, "wtmp", "btmp", "utmp")) {
      byte[] data = read(fs, e);
      if (data == null) {
        continue;
      }
      boolean btmp = e.name().startsWith("btmp");
      boolean wtmp = e.name().startsWith("wtmp");
      anyWtmp |= wtmp;
      Utmp.Parsed p = Utmp.parse(data);
      if (p.trailing() != 0) {
        fs.find("login-records-tampered", HIGH, e, null, e.name() + " is " + data.length + " bytes, not a whole number of " + Utmp.RECORD
            + "-byte records: " + p.trailing() + " bytes after record " + p.records().size() + " (cut or written over)");
      }
      if (p.zeroed() > 0) {
        fs.find("login-records-tampered", HIGH, e, null, e.name() + " holds " + p.zeroed() + " all-zero records: a stretch was wiped "
            + "(utmp editors such as wtmpclean zero records out)");
      }
      for (Utmp.Record r : p.records()) {
        String src = fs.label + ":" + e.path() + "#" + r.index();
        long t = r.seconds();
        if (r.type() == Utmp.USER_PROCESS || btmp && r.type() == Utmp.LOGIN_PROCESS) { // sshd writes failures as LOGIN_PROCESS
          HostEvent ev = event(t, btmp ? "failed-login" : "login", r.user(), remote(r), null, null, null, "line " + r.line()
              + (r.host().isEmpty() ? "" : " host " + r.host()), src, false);
          events.add(ev);
          if (wtmp) {
            wtmpLogins.add(ev);
            wtmpFrom = Math.min(wtmpFrom, t);
          }
        } else if (r.type() == Utmp.DEAD_PROCESS && !btmp && !e.name().startsWith("utmp")) {
          events.add(event(t, "logout", null, null, null, null, null, "line " + r.line(), src, false));
        } else if (r.type() == Utmp.BOOT_TIME && !btmp) {
          events.add(event(t, "boot", null, null, null, null, null, "kernel " + r.host(), src, false));
        }
      }
    }
    BodyfileEntry lastlog = fs.get("/var/log/lastlog");
    List<HostEvent> lastLogins = new ArrayList<>();
    if (lastlog != null && lastlog.regular()) {
      byte[] data = read(fs, lastlog);
      if (data != null) {
        for (Utmp.LastLogin l : Utmp.lastlog(data)) {
          HostEvent ev = event(l.seconds(), "last-login", names.getOrDefault(l.uid(), "uid " + l.uid()), l.host().isEmpty() ? null : l.host(),
              null, null, null, "line " + l.line(), fs.label + ":" + lastlog.path() + "#" + l.uid(), false);
          events.add(ev);
          lastLogins.add(ev);
        }
      }
    }
    Map<BodyfileEntry, List<HostEvent>> fromLogs = new LinkedHashMap<>();
    for (BodyfileEntry e : logs(fs, "auth.log", "secure")) {
      byte[] data = read(fs, e);
      if (data == null) {
        continue;
      }
      List<HostEvent> found = new ArrayList<>();
      for (Syslog.Line l : Syslog.parse(new String(data, StandardCharsets.UTF_8), e.mtime(), zone)) {
        classify(l, fs.label + ":" + e.path() + ":" + l.number()).ifPresent(found::add);
      }
      fromLogs.put(e, found);
      events.addAll(found);
    }
    for (BodyfileEntry e : journals(fs)) {
      List<HostEvent> found = journal(fs, e, work);
      if (!found.isEmpty()) {
        fromLogs.put(e, found);
        events.addAll(found);
      }
    }
    events.sort(java.util.Comparator.comparingLong(HostEvent::epoch).thenComparing(HostEvent::source));
    List<SshKeys.Key> keys = keys(fs, names);
    keys = matchKeys(fs, keys, events, ctx);
    loginFindings(fs, fromLogs, events, ctx);
    recordsFindings(fs, anyWtmp, wtmpFrom, wtmpLogins, lastLogins, lastlog, fromLogs);
    histories(fs);
    return new Result(events, keys);
  }

  /** A login's address when it came from elsewhere: the record's address, else a host field that is one. */
  private static String remote(Utmp.Record r) {
    if (r.address() != null && !r.address().equals("0.0.0.0")) {
      return r.address();
    }
    String h = r.host();
    // an address literal, not a display (":0") nor a name: names are not resolved
    return h.matches("[0-9a-fA-F.:]{2,45}") && (h.contains(".") || h.contains(":") && !h.startsWith(":")) ? h : null;
  }

  /** The event an authentication log line says, if any. */
  static Optional<HostEvent> classify(Syslog.Line l, String src) {
    if (l.epoch() == Long.MIN_VALUE) {
      return Optional.empty();
    }
    String m = l.message();
    Matcher x;
    boolean inferred = l.yearInferred();
    switch (l.program()) {
      case "sshd" -> {
        if ((x = ACCEPTED.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "ssh-accepted", x.group(2), x.group(3), port(x.group(4)), x.group(1), x.group(6),
              x.group(5) == null ? null : "key type " + x.group(5), src, inferred));
        }
        if ((x = FAILED.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "ssh-failed", x.group(3), x.group(4), port(x.group(5)), x.group(1), null,
              x.group(2) == null ? null : "invalid user", src, inferred));
        }
        if ((x = INVALID.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "ssh-invalid-user", x.group(1), x.group(2), x.group(3) == null ? null : port(x.group(3)), null,
              null, null, src, inferred));
        }
      }
      case "sudo" -> {
        if ((x = SUDO.matcher(m)).matches()) {
          boolean failed = x.group(2) != null && x.group(2).contains("incorrect password");
          return Optional.of(event(l.epoch(), failed ? "sudo-failed" : "sudo", x.group(1), null, null, null, null,
              "as " + x.group(5) + " tty " + x.group(3) + ": " + clip(x.group(6)), src, inferred));
        }
      }
      case "su" -> {
        if ((x = SU_TO.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "su", x.group(2), null, null, null, null, "to " + x.group(1) + " on " + x.group(3), src, inferred));
        }
        if ((x = SU_PAM.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "su", x.group(2), null, null, null, null, "to " + x.group(1), src, inferred));
        }
      }
      case "useradd" -> {
        if ((x = USERADD.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "user-added", x.group(1), null, null, null, null, "uid " + x.group(2) + " home " + x.group(4)
              + " shell " + x.group(5), src, inferred));
        }
      }
      case "usermod" -> {
        if ((x = USERMOD.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "group-member-added", x.group(1), null, null, null, null, "group " + x.group(2), src, inferred));
        }
      }
      case "passwd", "chpasswd" -> {
        if ((x = PASSWD.matcher(m)).matches()) {
          return Optional.of(event(l.epoch(), "password-changed", x.group(1), null, null, null, null, null, src, inferred));
        }
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static HostEvent event(long t, String kind, String user, String address, Integer port, String method, String key, String detail,
      String src, boolean inferred) {
    return new HostEvent(Instant.ofEpochSecond(t).toString(), t, kind, user == null ? null : Printable.of(clip(user)),
        address == null ? null : Printable.of(clip(address)), port, method == null ? null : Printable.of(method), key,
        detail == null ? null : Printable.of(detail), src, inferred ? Boolean.TRUE : null);
  }

  private static Integer port(String s) {
    int p = Integer.parseInt(s);
    return p <= 65535 ? p : null;
  }

  private static String clip(String s) {
    return s.length() <= 256 ? s : s.substring(0, 256) + "...";
  }

  /**
   * Every key of every account's authorized_keys files: sshd_config's AuthorizedKeysFile ({@code %h},
   * {@code %u}, {@code %%}; relative to the home), default {@code .ssh/authorized_keys .ssh/authorized_keys2}.
   */
  private static List<SshKeys.Key> keys(FsView fs, Map<Long, String> names) {
    List<String> patterns = new ArrayList<>(List.of(".ssh/authorized_keys", ".ssh/authorized_keys2"));
    BodyfileEntry conf = fs.get("/etc/ssh/sshd_config");
    if (conf != null && conf.regular()) {
      for (String line : fs.text(conf).split("\n")) {
        String l = line.strip();
        if (l.regionMatches(true, 0, "AuthorizedKeysFile", 0, 18) && l.length() > 18 && Character.isWhitespace(l.charAt(18))) {
          patterns = List.of(l.substring(18).strip().split("\\s+"));
          break; // sshd takes the first value
        }
      }
    }
    List<SshKeys.Key> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Map.Entry<String, String> account : homesByUser(fs).entrySet()) {
      for (String pat : patterns) {
        if (pat.equalsIgnoreCase("none")) {
          continue;
        }
        String p = pat.replace("%%", "\u0000").replace("%h", account.getValue()).replace("%u", account.getKey()).replace("\u0000", "%");
        String path = p.startsWith("/") ? p : account.getValue() + "/" + p;
        path = path.replaceAll("/+", "/");
        BodyfileEntry e = fs.get(path);
        if (e == null || !e.regular() || !seen.add(account.getKey() + "\u0000" + path)) {
          continue;
        }
        out.addAll(SshKeys.parse(account.getKey(), fs.label + ":" + path, fs.text(e)));
      }
    }
    return out;
  }

  /** Keys tied to the sshd logins that used them; a finding for each key used. */
  private static List<SshKeys.Key> matchKeys(FsView fs, List<SshKeys.Key> keys, List<HostEvent> events, Context ctx) {
    List<SshKeys.Key> out = new ArrayList<>();
    for (SshKeys.Key k : keys) {
      List<HostEvent> uses = events.stream().filter(e -> e.kind().equals("ssh-accepted") && e.key() != null
          && (e.key().equals(k.sha256()) || e.key().equals(k.md5())) && k.user().equals(e.user())).toList();
      if (uses.isEmpty()) {
        out.add(k);
        continue;
      }
      List<String> from = uses.stream().map(HostEvent::address).distinct().toList();
      SshKeys.Key used = k.used(from, uses.get(0).timeUtc(), uses.get(uses.size() - 1).timeUtc(), uses.size());
      out.add(used);
      boolean flagged = from.stream().anyMatch(a -> ctx.addresses().containsKey(a) || outsideKnown(a, ctx));
      Severity sev = flagged ? CRITICAL : k.user().equals("root") ? HIGH : MEDIUM;
      String path = k.file().substring(k.file().indexOf(':') + 1);
      BodyfileEntry file = fs.get(path);
      if (file != null) {
        fs.find("ssh-key-login", sev, file, k.type() + " " + k.sha256() + (k.comment().isEmpty() ? "" : " " + k.comment()),
            "the key on line " + k.line() + " of " + path + " (" + k.sha256() + ", " + k.md5() + ") logged in as " + k.user() + " "
            + uses.size() + " time(s) from " + String.join(", ", from) + ", first " + used.firstUse() + ", last " + used.lastUse()
            + (flagged ? "; " + why(from, ctx) : ""));
      }
    }
    return out;
  }

  private static void loginFindings(FsView fs, Map<BodyfileEntry, List<HostEvent>> fromLogs, List<HostEvent> all, Context ctx) {
    Map<String, List<HostEvent>> failuresByAddress = new HashMap<>();
    for (HostEvent e : all) {
      if (e.address() != null && (e.kind().equals("ssh-failed") || e.kind().equals("ssh-invalid-user") || e.kind().equals("failed-login"))) {
        failuresByAddress.computeIfAbsent(e.address(), a -> new ArrayList<>()).add(e);
      }
    }
    Set<String> reported = new LinkedHashSet<>();
    for (Map.Entry<BodyfileEntry, List<HostEvent>> f : fromLogs.entrySet()) {
      for (HostEvent e : f.getValue()) {
        if (e.kind().equals("ssh-accepted") && e.address() != null) {
          String where = ctx.addresses().get(e.address());
          if (where != null && reported.add("case " + e.user() + " " + e.address())) {
            fs.find("login-from-case-address", CRITICAL, f.getKey(), e.describe(), "SSH login as " + e.user() + " at " + e.timeUtc() + " from "
                + e.address() + ", which the case also shows " + where + " (" + e.source() + ")");
          } else if (where == null && outsideKnown(e.address(), ctx) && reported.add("unknown " + e.user() + " " + e.address())) {
            fs.find("login-from-unknown-address", HIGH, f.getKey(), e.describe(), "SSH login as " + e.user() + " at " + e.timeUtc() + " from "
                + e.address() + ", outside the known networks " + ctx.known() + " (" + e.source() + ")");
          }
          if (e.user() != null && e.user().equals("root") && reported.add("root " + e.address())) {
            fs.find("ssh-root-login", HIGH, f.getKey(), e.describe(), "root logged in over SSH from " + e.address() + " at " + e.timeUtc()
                + " (" + e.method() + "; " + e.source() + ")");
          }
          List<HostEvent> before = failuresByAddress.getOrDefault(e.address(), List.of()).stream()
              .filter(x -> x.epoch() <= e.epoch() && x.epoch() >= e.epoch() - 86_400).toList();
          if (before.size() >= GUESSES && reported.add("guess " + e.address())) {
            fs.find("password-guessing-then-success", CRITICAL, f.getKey(), e.describe(), before.size() + " failed logins from " + e.address()
                + " in the 24 hours before " + e.user() + " logged in from it at " + e.timeUtc() + " (first failure " + before.get(0).timeUtc()
                + ", " + before.get(0).source() + ")");
          }
        }
        if (e.kind().equals("user-added") && reported.add("add " + e.user() + " " + e.epoch())) {
          fs.find("account-added", HIGH, f.getKey(), e.describe(), "account " + e.user() + " was created at " + e.timeUtc() + " (" + e.detail()
              + "; " + e.source() + ")");
        }
        if (e.kind().equals("group-member-added") && e.detail() != null && e.detail().matches("group (sudo|wheel|admin|adm|root|docker)")
            && reported.add("grp " + e.user() + " " + e.detail())) {
          fs.find("account-added", HIGH, f.getKey(), e.describe(), e.user() + " was added to " + e.detail() + " at " + e.timeUtc() + " (" + e.source() + ")");
        }
      }
    }
  }

  /** wtmp that is missing logins lastlog holds, or empty while the authentication logs show logins. */
  private static void recordsFindings(FsView fs, boolean anyWtmp, long wtmpFrom, List<HostEvent> wtmpLogins, List<HostEvent> lastLogins,
      BodyfileEntry lastlog, Map<BodyfileEntry, List<HostEvent>> fromLogs) {
    if (anyWtmp) {
      for (HostEvent l : lastLogins) {
        boolean covered = wtmpFrom != Long.MAX_VALUE && l.epoch() >= wtmpFrom;
        boolean present = wtmpLogins.stream().anyMatch(w -> Math.abs(w.epoch() - l.epoch()) <= 5 && l.user().equals(w.user()));
        if (covered && !present) {
          fs.find("login-records-tampered", HIGH, lastlog, l.describe(), "lastlog holds a login of " + l.user() + " at " + l.timeUtc()
              + " that wtmp, which covers that time, does not: a record was removed from wtmp");
        }
      }
    }
    // sshd logs every login it lets in: a remote login in wtmp that the authentication logs, which
    // cover that time, do not show means lines were removed from them
    List<HostEvent> logged = fromLogs.values().stream().flatMap(List::stream).toList();
    if (!logged.isEmpty()) {
      long from = logged.stream().mapToLong(HostEvent::epoch).min().orElseThrow();
      long to = logged.stream().mapToLong(HostEvent::epoch).max().orElseThrow();
      List<HostEvent> accepted = logged.stream().filter(a -> a.kind().equals("ssh-accepted"))
          .sorted(java.util.Comparator.comparingLong(HostEvent::epoch)).toList();
      long[] times = accepted.stream().mapToLong(HostEvent::epoch).toArray();
      List<HostEvent> missing = wtmpLogins.stream().filter(w -> w.address() != null && w.epoch() >= from && w.epoch() <= to)
          .filter(w -> !acceptedNear(accepted, times, w))
          .toList();
      if (!missing.isEmpty()) {
        BodyfileEntry log = fromLogs.keySet().stream().filter(e -> !fromLogs.get(e).isEmpty()).reduce((a, b) -> b).orElseThrow();
        HostEvent first = missing.get(0);
        fs.find("log-lines-removed", HIGH, log, first.describe(), missing.size() + " remote login(s) in wtmp have no sshd line in the "
            + "authentication logs, which cover that time (" + Instant.ofEpochSecond(from) + " to " + Instant.ofEpochSecond(to) + "): lines "
            + "were removed; first: " + first.user() + " from " + first.address() + " at " + first.timeUtc() + " (" + first.source() + ")");
      }
    }
    BodyfileEntry wtmp = fs.get("/var/log/wtmp");
    if (wtmp != null && wtmp.regular() && wtmp.size() == 0) {
      long sessions = fromLogs.values().stream().flatMap(List::stream).filter(e -> e.kind().equals("ssh-accepted") && e.epoch() >= wtmp.ctime() - 60)
          .count();
      fs.find("login-records-tampered", sessions > 0 ? HIGH : MEDIUM, wtmp, null, "wtmp is empty (changed " + Instant.ofEpochSecond(wtmp.ctime())
          + ")" + (sessions > 0 ? " while the authentication logs show " + sessions + " SSH login(s) since: it was cleared" : ""));
    }
  }

  private static final Pattern CLEARS_HISTORY = Pattern.compile("(?m)^\\s*(history\\s+-[cw]\\b.*|unset\\s+HISTFILE\\b.*|(export\\s+)?HIST(FILE|SIZE|FILESIZE)="
      + "(/dev/null|0)?\\s*$|(export\\s+)?HISTFILE=/dev/null.*|(cat|echo)\\s+/dev/null\\s*>\\s*\\S*history.*|rm\\s+(-\\w+\\s+)*\\S*_history.*|shred\\s+.*history.*)");

  /**
   * Shell histories that were cleared or turned off: a history file that is a link to /dev/null
   * (high), a history that runs {@code history -c}, unsets HISTFILE, sets HISTSIZE=0 or removes a
   * history file (medium), and an empty history file of an account that logs in (low: it may never
   * have been used, or been emptied).
   */
  private static void histories(FsView fs) {
    for (Map.Entry<String, String> account : homesByUser(fs).entrySet()) {
      for (String name : List.of(".bash_history", ".zsh_history", ".sh_history", ".ash_history")) {
        String path = (account.getValue() + "/" + name).replaceAll("/+", "/");
        BodyfileEntry e = fs.get(path);
        if (e == null) {
          continue;
        }
        if (e.symlink()) {
          String to = e.linkTarget() == null ? "" : e.linkTarget();
          fs.find("history-cleared", to.equals("/dev/null") ? HIGH : MEDIUM, e, path + " -> " + to, "the shell history of " + account.getKey()
              + " is a link to " + (to.isEmpty() ? "another file" : to) + ": nothing typed is kept");
          continue;
        }
        if (!e.regular()) {
          continue;
        }
        if (e.size() == 0) {
          fs.find("history-cleared", Severity.LOW, e, null, "the shell history of " + account.getKey() + " is empty (changed "
              + Instant.ofEpochSecond(e.mtime()) + "): never used, or emptied");
          continue;
        }
        Matcher m = CLEARS_HISTORY.matcher(fs.text(e));
        if (m.find()) {
          fs.find("history-cleared", MEDIUM, e, m.group().strip(), "the shell history of " + account.getKey()
              + " clears or turns off the history: what was typed before (or after) it is gone");
        }
      }
    }
  }

  /** True when sshd accepted this wtmp login's user within two minutes of it (times sorted, searched). */
  private static boolean acceptedNear(List<HostEvent> accepted, long[] times, HostEvent w) {
    long lo = w.epoch() - 120;
    int a = 0;
    int b = times.length;
    while (a < b) { // the first accepted login at or after lo
      int m = (a + b) >>> 1;
      if (times[m] < lo) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    for (int k = a; k < times.length && times[k] <= w.epoch() + 120; k++) {
      if (w.user() == null || w.user().equals(accepted.get(k).user())) {
        return true;
      }
    }
    return false;
  }

  private static boolean outsideKnown(String address, Context ctx) {
    if (ctx.known().isEmpty() || address == null) {
      return false;
    }
    return ctx.known().stream().noneMatch(c -> c.contains(address));
  }

  private static String why(List<String> from, Context ctx) {
    List<String> out = new ArrayList<>();
    for (String a : from) {
      if (ctx.addresses().containsKey(a)) {
        out.add(a + " appears " + ctx.addresses().get(a));
      } else if (outsideKnown(a, ctx)) {
        out.add(a + " is outside the known networks");
      }
    }
    return String.join("; ", out);
  }

  /** Log files of these base names in /var/log (and utmp in /run, /var/run), rotated ones included, oldest first. */
  private static List<BodyfileEntry> logs(FsView fs, String... bases) {
    TreeMap<String, BodyfileEntry> out = new TreeMap<>();
    for (String dir : List.of("/var/log", "/run", "/var/run")) {
      for (BodyfileEntry e : fs.children(dir)) {
        if (!e.regular()) {
          continue;
        }
        for (String b : bases) {
          if (e.name().startsWith(b) && ROTATED.matcher(e.name().substring(b.length())).matches()) {
            out.put(String.format("%020d %s", e.mtime(), e.path()), e);
          }
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The journal files of /var/log/journal (persistent journald) and /run/log/journal, archived and dirty ones too. */
  private static List<BodyfileEntry> journals(FsView fs) {
    List<BodyfileEntry> out = new ArrayList<>();
    for (String dir : List.of("/var/log/journal", "/run/log/journal")) {
      for (BodyfileEntry e : fs.filesUnder(dir)) {
        if (e.name().endsWith(".journal") || e.name().endsWith(".journal~")) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /**
   * The authentication events of one journal file: the file is copied out of the image into the work
   * folder and read by the workstation's {@code journalctl --file} (which is made to read damaged
   * journals), JSON output, bounded; each entry's MESSAGE goes through the same classification as a
   * syslog line, with SYSLOG_IDENTIFIER as the program and __REALTIME_TIMESTAMP (UTC) as the time.
   */
  private static List<HostEvent> journal(FsView fs, BodyfileEntry e, java.nio.file.Path work) {
    if (e.size() > MAX_JOURNAL) {
      fs.note(e.path() + ": larger than " + MAX_JOURNAL + " bytes: not read");
      return List.of();
    }
    List<HostEvent> out = new ArrayList<>();
    java.nio.file.Path copy = null;
    try {
      java.nio.file.Files.createDirectories(work);
      copy = java.nio.file.Files.createTempFile(work, "journal-", ".journal");
      java.nio.file.Files.write(copy, fs.bytes(e, (int) Math.min(Integer.MAX_VALUE - 8, MAX_JOURNAL)));
      io.custody.evidence.process.ProcessRunner.Result r = io.custody.evidence.process.ProcessRunner.of("journalctl", "--file=" + copy, "-o", "json",
          "--no-pager", "--output-fields=SYSLOG_IDENTIFIER,_COMM,MESSAGE,_PID,_HOSTNAME").timeout(java.time.Duration.ofMinutes(10))
          .maxOutput(512 << 20).debianPackage("systemd").run();
      if (!r.ok() && r.out().length == 0) {
        fs.note(e.path() + ": journalctl could not read it (exit " + r.exit() + "): " + Printable.of(r.err().lines().reduce((a, b) -> b).orElse("")));
        return List.of();
      }
      if (r.truncated()) {
        fs.note(e.path() + ": only the first " + (512 << 20) + " bytes of journalctl's output were read");
      }
      int n = 0;
      for (String line : r.text().split("\n")) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        com.fasterxml.jackson.databind.JsonNode j;
        try {
          j = io.custody.evidence.Json.mapper().readTree(line);
        } catch (IOException x) {
          continue;
        }
        long micros = j.path("__REALTIME_TIMESTAMP").asLong(-1);
        String program = j.path("SYSLOG_IDENTIFIER").asText(j.path("_COMM").asText(""));
        String message = j.path("MESSAGE").isTextual() ? j.path("MESSAGE").asText() : "";
        if (micros <= 0 || message.isEmpty()) {
          continue;
        }
        Syslog.Line l = new Syslog.Line(n, micros / 1_000_000, false, j.path("_HOSTNAME").asText(""),
            program.toLowerCase(java.util.Locale.ROOT), j.path("_PID").asText(null), message.length() > Syslog.MAX_LINE
            ? message.substring(0, Syslog.MAX_LINE) : message);
        classify(l, fs.label + ":" + e.path() + "#" + n).ifPresent(out::add);
      }
      if (!r.ok()) {
        fs.note(e.path() + ": journalctl read it with errors (exit " + r.exit() + "): the entries it gave are used");
      }
    } catch (IOException x) {
      fs.note(e.path() + ": could not be copied for reading: " + x.getMessage());
    } finally {
      if (copy != null) {
        try {
          java.nio.file.Files.deleteIfExists(copy);
        } catch (IOException x) {
          // the run's work folder goes anyway
        }
      }
    }
    return out;
  }

  /** The file's bytes (gunzipped when it is gzip), bounded; null when unreadable. */
  private static byte[] read(FsView fs, BodyfileEntry e) {
    byte[] raw = fs.bytes(e, MAX_LOG);
    if (raw.length == 0 && e.size() > 0) {
      fs.note(e.path() + ": could not be read");
      return null;
    }
    if (raw.length < e.size()) {
      fs.note(e.path() + ": only the first " + raw.length + " of " + e.size() + " bytes were read");
    }
    if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(raw), true)) {
        byte[] out = in.readNBytes(MAX_LOG);
        if (in.read() >= 0) {
          fs.note(e.path() + ": only the first " + MAX_LOG + " bytes of its decompressed text were read");
        }
        return out;
      } catch (IOException x) {
        fs.note(e.path() + ": gzip data damaged (" + Printable.of(String.valueOf(x.getMessage())) + "); the lines before the damage are not read");
        return null;
      }
    }
    return raw;
  }

  /** The zone the host wrote local times in: /etc/timezone, else the zone /etc/localtime links to, else UTC. */
  static ZoneId zone(FsView fs) {
    BodyfileEntry tz = fs.get("/etc/timezone");
    if (tz != null && tz.regular()) {
      Optional<ZoneId> z = zoneNamed(fs.text(tz).strip());
      if (z.isPresent()) {
        return z.get();
      }
    }
    BodyfileEntry lt = fs.get("/etc/localtime");
    if (lt != null && lt.linkTarget() != null) {
      String t = lt.linkTarget();
      int at = t.indexOf("zoneinfo/");
      if (at >= 0) {
        Optional<ZoneId> z = zoneNamed(t.substring(at + 9).replaceFirst("^(posix|right)/", ""));
        if (z.isPresent()) {
          return z.get();
        }
      }
    }
    if (lt != null) {
      fs.note("/etc/localtime is not a link to a named zone: syslog times without a zone are taken as UTC");
    }
    return ZoneOffset.UTC;
  }

  private static Optional<ZoneId> zoneNamed(String name) {
    try {
      return name.matches("[A-Za-z0-9_+/-]{1,64}") ? Optional.of(ZoneId.of(name)) : Optional.empty();
    } catch (java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Map<Long, String> uidNames(FsView fs) {
    Map<Long, String> out = new HashMap<>();
    for (String[] f : passwd(fs)) {
      if (f[2].matches("\\d{1,10}")) {
        out.putIfAbsent(Long.parseLong(f[2]), Printable.of(f[0]));
      }
    }
    return out;
  }

  private static List<String[]> passwd(FsView fs) {
    BodyfileEntry passwd = fs.get("/etc/passwd");
    return passwd != null && passwd.regular() ? AccountChecks.rows(fs.text(passwd), 7) : List.of();
  }

  private static Map<String, String> homesByUser(FsView fs) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("root", "/root");
    for (String[] f : passwd(fs)) {
      if (f[5].startsWith("/") && !f[5].contains("..") && f[0].matches("[A-Za-z0-9._-]{1,64}")) {
        out.putIfAbsent(f[0], f[5].equals("/") ? "" : f[5].replaceAll("/+$", ""));
      }
    }
    return out;
  }
}
