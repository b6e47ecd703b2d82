package io.custody.analyzer.memory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What Volatility 3 reads from the kernel's own structures in a memory image: processes with parents,
 * command lines, owners and start times (pslist, psaux), the executable of each (proc.Maps), open
 * sockets with their processes (sockstat), loaded kernel modules and those missing from the module
 * list (lsmod, check_modules), writable-and-executable or injected regions (malfind), bash history
 * (bash) and the environment of processes a finding names (envars). Every plugin's run is kept with
 * its time and, when it failed, Volatility's reason; one plugin failing leaves the others standing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"symbols_item", "volatility", "status", "reason", "plugins", "processes", "sockets", "modules", "malfind", "bash",
    "environment"})
public record KernelView(
    @JsonProperty("symbols_item") String symbolsItem,
    @JsonProperty("volatility") String volatility,
    @JsonProperty("status") String status,
    @JsonProperty("reason") String reason,
    @JsonProperty("plugins") List<PluginRun> plugins,
    @JsonProperty("processes") List<Proc> processes,
    @JsonProperty("sockets") List<Sock> sockets,
    @JsonProperty("modules") List<Module> modules,
    @JsonProperty("malfind") List<Region> malfind,
    @JsonProperty("bash") List<BashCommand> bash,
    @JsonProperty("environment") List<EnvVar> environment) {

  /** The process names whose history Volatility's bash plugin reads. */
  static final Set<String> BASH_COMMS = Set.of("bash", "sh", "dash");

  /** Rows of one plugin kept at most (a plugin gone wild must not fill the report). */
  static final int MAX_ROWS = 200_000;

  /** One plugin run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"plugin", "args", "ok", "rows", "seconds", "error", "failed_pids"})
  public record PluginRun(@JsonProperty("plugin") String plugin, @JsonProperty("args") String args, @JsonProperty("ok") boolean ok,
      @JsonProperty("rows") int rows, @JsonProperty("seconds") double seconds, @JsonProperty("error") String error,
      @JsonProperty("failed_pids") Map<String, String> failedPids) {}

  /** A task of the process list. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"pid", "ppid", "comm", "args", "uid", "started", "exe", "kernel_thread", "offset"})
  public record Proc(@JsonProperty("pid") long pid, @JsonProperty("ppid") long ppid, @JsonProperty("comm") String comm,
      @JsonProperty("args") String args, @JsonProperty("uid") Long uid, @JsonProperty("started") String started, @JsonProperty("exe") String exe,
      @JsonProperty("kernel_thread") boolean kernelThread, @JsonProperty("offset") String offset) {}

  /** An open socket. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"pid", "process", "fd", "family", "type", "proto", "source", "source_port", "destination", "destination_port", "state"})
  public record Sock(@JsonProperty("pid") long pid, @JsonProperty("process") String process, @JsonProperty("fd") Long fd,
      @JsonProperty("family") String family, @JsonProperty("type") String type, @JsonProperty("proto") String proto,
      @JsonProperty("source") String source, @JsonProperty("source_port") String sourcePort, @JsonProperty("destination") String destination,
      @JsonProperty("destination_port") String destinationPort, @JsonProperty("state") String state) {

    @JsonIgnore
    boolean inet() {
      return "AF_INET".equals(family) || "AF_INET6".equals(family);
    }
  }

  /** A kernel module: listed (lsmod), or found by check_modules in sysfs but missing from the module list. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "address", "size", "hidden", "seen_by"})
  public record Module(@JsonProperty("name") String name, @JsonProperty("address") String address, @JsonProperty("size") Long size,
      @JsonProperty("hidden") boolean hidden, @JsonProperty("seen_by") String seenBy) {}

  /** A region malfind reports: writable and executable, or executable and not backed by a file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"pid", "process", "start", "end", "protection", "path", "hexdump"})
  public record Region(@JsonProperty("pid") long pid, @JsonProperty("process") String process, @JsonProperty("start") String start,
      @JsonProperty("end") String end, @JsonProperty("protection") String protection, @JsonProperty("path") String path,
      @JsonProperty("hexdump") String hexdump) {}

  /** A command recovered from a bash process's history in memory. */
  @JsonPropertyOrder({"pid", "process", "time", "command"})
  public record BashCommand(@JsonProperty("pid") long pid, @JsonProperty("process") String process, @JsonProperty("time") String time,
      @JsonProperty("command") String command) {}

  /** An environment variable of a process a finding names. */
  @JsonPropertyOrder({"pid", "key", "value"})
  public record EnvVar(@JsonProperty("pid") long pid, @JsonProperty("key") String key, @JsonProperty("value") String value) {}

  /** Why there is no kernel view (no symbols, no Volatility). */
  static KernelView skipped(String symbolsItem, String reason) {
    return new KernelView(symbolsItem, null, "skipped", reason, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /** True when Volatility walked the process list. */
  @JsonIgnore
  public boolean ok() {
    return "ok".equals(status);
  }

  /**
   * Runs the plugins and reads their rows.
   *
   * @param suspicious given the view so far, the PIDs whose environment to read
   */
  static KernelView read(Volatility vol, String symbolsItem, String volVersion, java.util.function.Function<KernelView, Set<Long>> suspicious,
      Consumer<String> say) {
    List<PluginRun> runs = new ArrayList<>();
    Volatility.Result pslist = run(vol, runs, say, "linux.pslist.PsList");
    if (pslist.ok() && pslist.rows().isEmpty()) {
      pslist = new Volatility.Result(pslist.plugin(), null, false, List.of(), "the process list is empty", pslist.seconds(), Map.of());
    }
    if (!pslist.ok()) {
      return new KernelView(symbolsItem, volVersion, "failed", "Volatility could not walk the process list: " + pslist.error(), runs, List.of(),
          List.of(), List.of(), List.of(), List.of(), List.of());
    }
    Map<Long, String> args = new TreeMap<>();
    Volatility.Result psaux = run(vol, runs, say, "linux.psaux.PsAux");
    for (JsonNode r : psaux.rows()) {
      args.put(r.path("PID").asLong(), text(r, "ARGS"));
    }
    Map<Long, String> exe = new TreeMap<>();
    List<Long> userPids = new ArrayList<>();
    for (JsonNode r : pslist.rows()) {
      long pid = r.path("PID").asLong();
      long tid = r.path("TID").asLong(pid);
      String a = args.get(pid);
      boolean kthread = isKernelThread(pid, r.path("PPID").asLong(), a);
      if (tid == pid && !kthread) {
        userPids.add(pid);
      }
    }
    if (!userPids.isEmpty()) {
      // one PID at a time: a process whose memory map cannot be walked (a smear, a process exiting as it
      // was captured) costs its own rows only
      for (JsonNode m : run(vol, runs, say, "linux.proc.Maps", userPids, true).rows()) {
        long pid = m.path("PID").asLong();
        String path = text(m, "File Path");
        if (!exe.containsKey(pid) && path != null && path.startsWith("/") && m.path("PgOff").asLong(-1) == 0) {
          exe.put(pid, path); // the first file mapped from offset 0: the executable (maps are in address order)
        }
      }
    }
    List<Proc> procs = new ArrayList<>();
    Set<Long> seenPids = new LinkedHashSet<>();
    for (JsonNode r : pslist.rows()) {
      long pid = r.path("PID").asLong();
      long tid = r.path("TID").asLong(pid);
      if (tid != pid || !seenPids.add(pid) || procs.size() >= MAX_ROWS) {
        continue; // threads: their process is listed
      }
      String a = args.get(pid);
      procs.add(new Proc(pid, r.path("PPID").asLong(), text(r, "COMM"), a, r.has("UID") && r.get("UID").isNumber() ? r.get("UID").asLong() : null,
          text(r, "CREATION TIME"), exe.get(pid), isKernelThread(pid, r.path("PPID").asLong(), a), hex(r.path("OFFSET (V)"))));
    }
    List<Sock> socks = new ArrayList<>();
    for (JsonNode r : run(vol, runs, say, "linux.sockstat.Sockstat").rows()) {
      if (socks.size() < MAX_ROWS) {
        socks.add(new Sock(r.path("PID").asLong(), text(r, "Process Name"), r.path("FD").isNumber() ? r.path("FD").asLong() : null, text(r, "Family"),
            text(r, "Type"), text(r, "Proto"), text(r, "Source Addr"), text(r, "Source Port"), text(r, "Destination Addr"),
            text(r, "Destination Port"), text(r, "State")));
      }
    }
    Map<String, Module> modules = new LinkedHashMap<>();
    for (JsonNode r : run(vol, runs, say, "linux.lsmod.Lsmod").rows()) {
      String name = text(r, "Module Name");
      if (name != null) {
        modules.putIfAbsent(name, new Module(name, hex(r.path("Offset")), r.path("Code Size").isNumber() ? r.path("Code Size").asLong() : null, false, "lsmod"));
      }
    }
    for (JsonNode r : run(vol, runs, say, "linux.malware.check_modules.Check_modules").rows()) {
      String name = text(r, "Module Name");
      if (name != null) {
        modules.put(name, new Module(name, hex(r.path("Module Address")), null, true,
            "check_modules (in /sys/module, not in the module list)"));
      }
    }
    List<Region> regions = new ArrayList<>();
    if (!userPids.isEmpty()) {
      for (JsonNode r : run(vol, runs, say, "linux.malware.malfind.Malfind", userPids, true).rows()) {
        if (regions.size() < MAX_ROWS) {
          regions.add(new Region(r.path("PID").asLong(), text(r, "Process"), hex(r.path("Start")), hex(r.path("End")), text(r, "Protection"),
              text(r, "Path"), text(r, "Hexdump")));
        }
      }
    }
    List<BashCommand> bash = new ArrayList<>();
    // the shells the plugin reads (it looks at these comms only), one at a time: a shell whose memory
    // cannot be walked (one forked as the capture ran, one exiting) otherwise fails the whole run and
    // costs every other shell its history
    List<Long> shells = procs.stream().filter(p -> !p.kernelThread() && BASH_COMMS.contains(p.comm())).map(Proc::pid).toList();
    if (!shells.isEmpty()) {
      for (JsonNode r : run(vol, runs, say, "linux.bash.Bash", shells, true).rows()) {
        if (bash.size() < MAX_ROWS) {
          bash.add(new BashCommand(r.path("PID").asLong(), text(r, "Process"), text(r, "CommandTime"), text(r, "Command")));
        }
      }
    }
    KernelView partial = new KernelView(symbolsItem, volVersion, "ok", null, runs, procs, socks, List.copyOf(modules.values()), regions, bash,
        List.of());
    Set<Long> watch = suspicious.apply(partial);
    List<EnvVar> env = new ArrayList<>();
    if (!watch.isEmpty()) {
      for (JsonNode r : run(vol, runs, say, "linux.envars.Envars", new ArrayList<>(watch), false).rows()) {
        if (env.size() < MAX_ROWS) {
          env.add(new EnvVar(r.path("PID").asLong(), text(r, "KEY"), text(r, "VALUE")));
        }
      }
    }
    long failed = runs.stream().filter(p -> !p.ok()).count();
    return new KernelView(symbolsItem, volVersion, "ok", failed == 0 ? null : failed + " plugin run(s) failed; see plugins", runs, procs, socks,
        List.copyOf(modules.values()), regions, bash, env);
  }

  /**
   * A kernel thread: PID 2 (kthreadd), or a task whose parent is 2 or 0 that psaux shows as {@code
   * [comm]} (it has no user memory to read arguments from; for kthreadd's children, also when psaux
   * could not say). Not a child of kthreadd with a command line: the kernel starts user-mode helpers
   * (modprobe, a core_pattern pipe such as {@code |/tmp/x}) as such, and they are user processes.
   */
  static boolean isKernelThread(long pid, long ppid, String args) {
    boolean bracketed = args != null && args.startsWith("[") && args.endsWith("]");
    return pid == 2 || ppid == 2 && (args == null || bracketed) || (pid != 1 && ppid == 0 && bracketed);
  }

  private static Volatility.Result run(Volatility vol, List<PluginRun> runs, Consumer<String> say, String plugin) {
    return run(vol, runs, say, plugin, null, false);
  }

  private static Volatility.Result run(Volatility vol, List<PluginRun> runs, Consumer<String> say, String plugin, List<Long> pids, boolean each) {
    Volatility.Result r = vol.run(plugin, pids, each);
    String shownArgs = pids == null ? null : pids.size() > 8 ? pids.size() + " PIDs" : "PIDs " + pids.stream().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(" "));
    Map<String, String> failed = new LinkedHashMap<>();
    r.failedPids().forEach((k, v) -> failed.put(Long.toString(k), v));
    runs.add(new PluginRun(plugin, shownArgs, r.ok(), r.rows().size(), Math.round(r.seconds() * 10) / 10.0, r.error(), failed.isEmpty() ? null : failed));
    say.accept("volatility " + plugin + (shownArgs == null ? "" : " (" + shownArgs + (each ? ", one at a time" : "") + ")") + ": "
        + (r.ok() ? r.rows().size() + " rows" + (failed.isEmpty() ? "" : ", " + failed.size() + " PID(s) unreadable") : "failed (" + r.error() + ")")
        + String.format(" in %.1f s", r.seconds()));
    return r;
  }

  private static String text(JsonNode row, String field) {
    JsonNode v = row.get(field);
    // query strings of URLs (presigned signatures, the capture's own among them) never reach a report
    return v == null || v.isNull() ? null : io.custody.evidence.Secrets.redactUrls(Printable.of(v.asText()));
  }

  private static String hex(JsonNode v) {
    return v == null || !v.isNumber() ? null : "0x" + Long.toHexString(v.asLong());
  }
}
