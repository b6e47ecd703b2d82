package io.custody.analyzer.memory;

import static io.custody.evidence.Severity.CRITICAL;
import static io.custody.evidence.Severity.HIGH;
import static io.custody.evidence.Severity.MEDIUM;

import io.custody.analyzer.memory.MemoryReport.Finding;
import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Findings from the kernel's view of a memory image. Each names the PID and process, and the plugin
 * row it came from:
 * <ul>
 *   <li>{@code memory-process-from-temp-dir} (high): a process whose executable, or the script it runs
 *       (an interpreter's first argument that is a path; {@link #INTERPRETER}), lies in /tmp, /var/tmp or
 *       /dev/shm;
 *   <li>{@code memory-process-exe-deleted} (high): its executable file was deleted while it ran;
 *   <li>{@code memory-process-disguised} (high): a process with a user address space whose command
 *       line is a bracketed kernel-thread name ({@code exec -a "[kworker/0:1]"}), the usual disguise (not
 *       an exited child awaiting its parent: {@code [comm]} and nothing mapped);
 *   <li>{@code memory-miner-command-line} (high): a command line of a cryptocurrency miner (pool URLs,
 *       xmrig's options, wallet-shaped arguments);
 *   <li>{@code memory-reverse-shell} (critical): a shell whose standard streams are an established
 *       network connection, or a command line of a known reverse-shell form;
 *   <li>{@code memory-shell-network-connection} (high): a shell holding an established connection on
 *       another descriptor (a script using the network itself, bash's /dev/tcp);
 *   <li>{@code memory-connection-to-case-address} (high): a connection to an address the case saw
 *       elsewhere (CloudTrail source addresses);
 *   <li>{@code memory-hidden-module} (critical): a kernel module in sysfs but missing from the module list;
 *   <li>{@code memory-injected-code} (high): a region malfind reports (writable and executable, or
 *       executable without a file);
 *   <li>{@code memory-volatility-failed} (medium): Volatility could not read the kernel's structures, so
 *       none of the above could be looked for.
 * </ul>
 */
final class KernelFindings {

  static final List<String> TEMP_DIRS = List.of("/tmp/", "/var/tmp/", "/dev/shm/");
  static final Pattern MINER = Pattern.compile(
      "(?i)(stratum\\+(tcp|ssl|tls)://|\\bxmrig\\b|--donate-level|\\bminerd\\b|\\bcpuminer\\b|--algo[= ](rx|cn|randomx|cryptonight)|"
          + "\\bnicehash\\b|\\bminexmr\\b|\\bsupportxmr\\b|\\bnanopool\\b|\\b4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}\\b)");
  static final Pattern REVERSE_SHELL = Pattern.compile(
      "(/dev/tcp/|/dev/udp/|\\bnc(at)?\\b[^|;]*\\s-[a-z]*e\\s|\\bsocat\\b.*\\bexec:|\\bpty\\.spawn\\(|socket\\.socket\\(.*connect|"
          + "\\bbash\\s+-i\\s*[<>]|\\bmkfifo\\b.*\\bnc\\b|\\bsh\\s+-i\\s*[<>&|])");
  static final Set<String> SHELLS = Set.of("bash", "sh", "dash", "zsh", "ash", "ksh", "busybox", "csh", "tcsh", "fish");

  private KernelFindings() {}

  /** @param caseAddresses address → where the case saw it */
  static List<Finding> of(KernelView v, Map<String, String> caseAddresses) {
    List<Finding> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if ("failed".equals(v.status())) {
      out.add(new Finding("memory-volatility-failed", MEDIUM, null, null,
          "Volatility 3 could not read the kernel's structures in this image (" + v.reason() + "): processes, connections and modules were not "
              + "examined; a smeared capture can be taken again (acquire memory --retry)"));
      return out;
    }
    if (!v.ok()) {
      return out;
    }
    for (KernelView.Proc p : v.processes()) {
      if (p.kernelThread()) {
        continue;
      }
      String who = who(p.pid(), p.comm());
      String row = "linux.psaux PID " + p.pid() + " PPID " + p.ppid() + " ARGS '" + nz(p.args()) + "'";
      String exe = p.exe();
      String script = interpreter(p) ? firstPathArg(p.args()) : null;
      for (String path : new String[] {exe, script}) {
        if (path != null && TEMP_DIRS.stream().anyMatch(path::startsWith)) {
          out.add(new Finding("memory-process-from-temp-dir", HIGH, who, p.args(),
              who + " runs " + path + (path.equals(exe) ? " (its executable, linux.proc.Maps)" : " (its script)") + ", from a world-writable temporary "
                  + "folder; " + row));
          break;
        }
      }
      if (exe != null && exe.endsWith(" (deleted)")) {
        out.add(new Finding("memory-process-exe-deleted", HIGH, who, exe, who + " runs an executable deleted after it started (" + exe + "); " + row));
      }
      String args = nz(p.args()).strip();
      // an exited child its parent has not reaped (a zombie) has no address space left: psaux shows it as
      // [comm], like a kernel thread, and it has no executable mapped; that is no disguise
      boolean exited = exe == null && args.equals("[" + nz(p.comm()) + "]");
      if (args.startsWith("[") && args.indexOf(']') > 0 && !exited) {
        out.add(new Finding("memory-process-disguised", HIGH, who, p.args(),
            who + " has a user address space but calls itself '" + args.substring(0, args.indexOf(']') + 1) + "', a kernel thread's name; " + row));
      }
      if (MINER.matcher(args).find()) {
        out.add(new Finding("memory-miner-command-line", HIGH, who, p.args(), who + " has a cryptocurrency miner's command line; " + row));
      }
      if (REVERSE_SHELL.matcher(args).find()) {
        out.add(new Finding("memory-reverse-shell", CRITICAL, who, p.args(), who + " has a reverse shell's command line; " + row));
      }
    }
    Set<Long> shellWithSocket = new LinkedHashSet<>();
    Set<Long> onStdio = new LinkedHashSet<>();
    for (KernelView.Sock s : v.sockets()) {
      if (s.inet() && "ESTABLISHED".equals(s.state()) && s.fd() != null && s.fd() <= 2) {
        onStdio.add(s.pid());
      }
    }
    for (KernelView.Sock s : v.sockets()) {
      if (!s.inet()) {
        continue;
      }
      String who = who(s.pid(), s.process());
      String row = "linux.sockstat PID " + s.pid() + " FD " + s.fd() + " " + s.proto() + " " + s.source() + ":" + s.sourcePort() + " -> "
          + s.destination() + ":" + s.destinationPort() + " " + s.state();
      boolean shell = s.process() != null && SHELLS.contains(s.process().toLowerCase(Locale.ROOT));
      if (shell && "ESTABLISHED".equals(s.state()) && shellWithSocket.add(s.pid())) {
        if (onStdio.contains(s.pid())) {
          // its standard streams are the connection: commands come from the network, output goes back
          KernelView.Sock std = v.sockets().stream().filter(x -> x.pid() == s.pid() && x.fd() != null && x.fd() <= 2 && x.inet()).findFirst().orElse(s);
          out.add(new Finding("memory-reverse-shell", CRITICAL, who, std.destination() + ":" + std.destinationPort(),
              who + ", a shell, holds a connection to " + std.destination() + ":" + std.destinationPort() + " on its standard "
                  + (std.fd() == 0 ? "input" : std.fd() == 1 ? "output" : "error") + "; " + row));
        } else {
          // a shell script talking to the network itself (bash's /dev/tcp): a downloader, a miner's pool, a beacon
          out.add(new Finding("memory-shell-network-connection", HIGH, who, s.destination() + ":" + s.destinationPort(),
              who + ", a shell, holds a connection to " + s.destination() + ":" + s.destinationPort() + " on descriptor " + s.fd()
                  + " (not its standard streams: a script using the network itself, e.g. bash's /dev/tcp); " + row));
        }
      }
      for (String a : new String[] {s.destination(), s.source()}) {
        if (a != null && caseAddresses.containsKey(a)) {
          out.add(new Finding("memory-connection-to-case-address", HIGH, who, a,
              who + " has a connection with " + a + ", seen " + caseAddresses.get(a) + "; " + row));
          break;
        }
      }
    }
    for (KernelView.Module m : v.modules()) {
      if (m.hidden()) {
        out.add(new Finding("memory-hidden-module", CRITICAL, "module " + m.name() + (m.address() == null ? "" : " at " + m.address()), m.name(),
            "kernel module " + m.name() + " is in /sys/module but not in the kernel's module list, the way rootkits hide; linux.malware.check_modules row "
                + m.name() + " " + nz(m.address())));
      }
    }
    for (KernelView.Region r : v.malfind()) {
      String who = who(r.pid(), r.process());
      out.add(new Finding("memory-injected-code", HIGH, who + " " + r.start() + "-" + r.end(), r.hexdump() == null ? null
          : r.hexdump().length() > 200 ? r.hexdump().substring(0, 200) : r.hexdump(),
          who + " has a " + nz(r.protection()) + " region " + r.start() + "-" + r.end() + (r.path() == null ? "" : " (" + r.path() + ")")
              + " that may hold injected code; linux.malware.malfind row"));
    }
    return out;
  }

  /** The PIDs whose environment is worth reading: every process a finding names. */
  static Set<Long> suspicious(KernelView v) {
    Set<Long> pids = new LinkedHashSet<>();
    for (Finding f : of(v, Map.of())) {
      if (f.address() != null && f.address().startsWith("pid ")) {
        String n = f.address().substring(4).split(" ")[0];
        try {
          pids.add(Long.parseLong(n));
        } catch (NumberFormatException e) {
          // not a PID
        }
      }
    }
    return pids;
  }

  static Severity worst(List<Finding> fs) {
    return fs.stream().map(Finding::severity).min(Enum::compareTo).orElse(null);
  }

  private static String who(long pid, String comm) {
    return "pid " + pid + " (" + nz(comm) + ")";
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /**
   * Programs whose first path argument is a program they run: shells, script interpreters, java -jar,
   * awk -f, and the dynamic loader (which runs a program from a noexec mount).
   */
  static final Pattern INTERPRETER = Pattern.compile(
      "(?:ba|da|z|k|mk|a|c|tc|fi|pw)?sh|busybox|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node(js)?|php[0-9.]*(-cgi)?|lua[0-9.]*|luajit|tclsh[0-9.]*|"
          + "java|[gm]?awk|Rscript|ld-linux.*|ld-musl.*|ld\\.so.*");

  /**
   * Whether the process is an interpreter, by its executable, its argv[0] or its comm (any of them:
   * {@code exec -a} changes argv[0], a copy of python under another name keeps its comm from the file).
   */
  static boolean interpreter(KernelView.Proc p) {
    String exe = p.exe() == null ? null : p.exe().replace(" (deleted)", "");
    String args = nz(p.args()).strip();
    String argv0 = args.isEmpty() ? null : args.split("\\s+")[0];
    for (String name : new String[] {exe, argv0, p.comm()}) {
      if (name != null && !name.isEmpty() && INTERPRETER.matcher(name.substring(name.lastIndexOf('/') + 1)).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The first argument after the program that is an absolute path (the script an interpreter runs). */
  static String firstPathArg(String args) {
    if (args == null) {
      return null;
    }
    String[] a = args.strip().split("\\s+");
    for (int i = 1; i < a.length; i++) {
      if (a[i].startsWith("/")) {
        return a[i];
      }
      if (!a[i].startsWith("-")) {
        return null;
      }
    }
    return null;
  }
}
