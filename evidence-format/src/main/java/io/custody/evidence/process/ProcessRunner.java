package io.custody.evidence.process;

import io.custody.evidence.HostException;
import io.custody.evidence.Printable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way Custody runs a host tool (losetup, mount, The Sleuth Kit, yara, apt-get, make): fixed
 * arguments, never a shell, stdin closed, a timeout, stdout kept up to a bound (the tool is stopped
 * when it writes more, and the result says so) or sent to a file, the tail of stderr kept. A failure
 * names the command, its exit status and the tail of what it said on stderr; a tool that is not
 * installed is named with the package that brings it.
 *
 * <p>Defaults: 10 minute timeout, 16 MiB of stdout, stderr apart.
 */
public final class ProcessRunner {

  /** How much of stderr is kept: its last bytes. */
  static final int ERR_TAIL = 16 << 10;

  private final List<String> command;
  private Path dir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Duration timeout = Duration.ofMinutes(10);
  private int maxOut = 16 << 20;
  private Path outFile;
  private Path log;
  private boolean mergeErr;
  private String debianPackage;
  private InputStream feed;

  private ProcessRunner(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command");
    }
    this.command = List.copyOf(command);
  }

  public static ProcessRunner of(List<String> command) {
    return new ProcessRunner(command);
  }

  public static ProcessRunner of(String... command) {
    return new ProcessRunner(List.of(command));
  }

  /** The working folder (default: this process's). */
  public ProcessRunner directory(Path d) {
    this.dir = d;
    return this;
  }

  /** Variables added to the inherited environment. */
  public ProcessRunner environment(Map<String, String> vars) {
    env.putAll(vars);
    return this;
  }

  public ProcessRunner timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  /** Keep at most this many bytes of stdout; a tool that writes more is stopped and the result is marked truncated. */
  public ProcessRunner maxOutput(int bytes) {
    this.maxOut = bytes;
    return this;
  }

  /** Send stdout to this file instead (created or truncated; no bound). */
  public ProcessRunner stdoutTo(Path file) {
    this.outFile = file;
    return this;
  }

  /** stderr joins stdout (for tools whose messages belong with their output, e.g. a build log). */
  public ProcessRunner mergeStderr() {
    this.mergeErr = true;
    return this;
  }

  /** Also append {@code $ command} and everything stdout kept to this log file. */
  public ProcessRunner logTo(Path file) {
    this.log = file;
    return this;
  }

  /**
   * Feed the tool's stdin from this stream (copied on a thread of its own, then closed); default:
   * stdin closed at once. A failure to read the stream stops the tool, and {@link #run} reports it.
   */
  public ProcessRunner stdinFrom(InputStream in) {
    this.feed = in;
    return this;
  }

  /** The Debian package that brings the tool, named when it is missing. */
  public ProcessRunner debianPackage(String name) {
    this.debianPackage = name;
    return this;
  }

  /** The command as one line, for messages. */
  public String line() {
    return Printable.of(String.join(" ", command));
  }

  /**
   * Runs the tool to its end, whatever its exit status.
   *
   * @throws HostException when it cannot start, times out or is interrupted
   */
  public Result run() {
    Process p = start();
    Drain err = mergeErr ? null : Drain.start(p.getErrorStream(), ERR_TAIL, true, null);
    Drain out = outFile != null ? null : Drain.start(p.getInputStream(), maxOut, false, p);
    java.util.concurrent.atomic.AtomicReference<IOException> feedFailure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread feeder = feed == null ? null : feeder(p, feedFailure);
    try {
      if (feeder == null) {
        p.getOutputStream().close();
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new HostException("Failed to run '" + line() + "': no result after " + timeout.toSeconds() + " s");
      }
      byte[] stdout = out == null ? new byte[0] : out.finish();
      String stderr = err == null ? "" : new String(err.finish(), StandardCharsets.UTF_8).strip();
      boolean truncated = out != null && out.overflowed();
      if (feeder != null) {
        feeder.join(10_000);
        if (feedFailure.get() != null) {
          throw new HostException("Failed to feed '" + line() + "': " + feedFailure.get().getMessage(), feedFailure.get());
        }
      }
      appendLog(stdout, stderr);
      return new Result(command, truncated ? 0 : p.exitValue(), stdout, stderr, truncated);
    } catch (IOException e) {
      p.destroyForcibly();
      throw new HostException("Failed to run '" + line() + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostException("Failed to run '" + line() + "': interrupted", e);
    }
  }

  /**
   * Runs the tool and insists on exit 0.
   *
   * @throws HostException naming the command, its exit status and the tail of its stderr (or output)
   */
  public Result check() {
    Result r = run();
    if (!r.ok()) {
      throw new HostException("Failed to run '" + line() + "': exit " + r.exit() + r.tail());
    }
    return r;
  }

  /**
   * Starts the tool and gives its stdout as a stream (for a tool that writes evidence-sized output,
   * such as {@code img_cat}): the stream ends only when the tool has ended with exit 0; an exit status
   * other than 0, or no end within the timeout after stdout closed, is an {@link IOException} naming
   * the command and the tail of its stderr, so nothing a failing tool wrote passes as complete.
   * Closing the stream early stops the tool.
   */
  public InputStream stream() {
    Process p = start();
    Drain err = mergeErr ? null : Drain.start(p.getErrorStream(), ERR_TAIL, true, null);
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // stdin already closed
    }
    InputStream out = p.getInputStream();
    return new io.custody.evidence.files.BulkInputStream() {
      boolean ended;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
          return -1;
        }
        int n = out.read(b, off, len);
        if (n < 0) {
          ended = true;
          finish();
        }
        return n;
      }

      private void finish() throws IOException {
        try {
          if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("'" + line() + "' did not end after closing its output");
          }
          String stderr = err == null ? "" : new String(err.finish(), StandardCharsets.UTF_8).strip();
          if (p.exitValue() != 0) {
            throw new IOException("'" + line() + "' failed: exit " + p.exitValue()
                + new Result(command, p.exitValue(), new byte[0], stderr, false).tail());
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
          throw new IOException("'" + line() + "' interrupted", e);
        }
      }

      @Override
      public void close() throws IOException {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
        out.close();
      }
    };
  }

  private Thread feeder(Process p, java.util.concurrent.atomic.AtomicReference<IOException> failure) {
    Thread t = new Thread(() -> {
      try (OutputStream stdin = p.getOutputStream()) {
        feed.transferTo(stdin);
      } catch (IOException e) {
        if (p.isAlive()) {
          failure.set(e); // reading the feed failed: stop the tool rather than let it finish on part of it
          p.destroyForcibly();
        }
      }
    }, "feed");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private Process start() {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(mergeErr);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    if (outFile != null) {
      pb.redirectOutput(outFile.toFile());
    }
    try {
      return pb.start();
    } catch (IOException e) {
      String hint = debianPackage == null ? "" : " (install the Debian package " + debianPackage + "; scripts/setup installs it)";
      throw new HostException("Failed to run " + command.get(0) + ": " + e.getMessage() + hint, e);
    }
  }

  private void appendLog(byte[] stdout, String stderr) throws IOException {
    if (log == null) {
      return;
    }
    try (OutputStream o = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      o.write(("$ " + String.join(" ", command) + "\n").getBytes(StandardCharsets.UTF_8));
      o.write(stdout);
      if (!stderr.isEmpty()) {
        o.write((stderr + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * What a tool did.
   *
   * @param out stdout as kept (empty when it went to a file)
   * @param err the tail of stderr, stripped
   * @param truncated stdout was larger than the bound and the tool was stopped (exit is then 0)
   */
  public record Result(List<String> command, int exit, byte[] out, String err, boolean truncated) {

    public boolean ok() {
      return exit == 0;
    }

    /** stdout as UTF-8 text. */
    public String text() {
      return new String(out, StandardCharsets.UTF_8);
    }

    /** The last lines of stderr (or, when stderr was empty or merged, of stdout), for a message. */
    String tail() {
      String t = err.isEmpty() ? text().strip() : err;
      if (t.isEmpty()) {
        return "";
      }
      String[] lines = t.split("\n");
      List<String> last = new ArrayList<>(List.of(lines).subList(Math.max(0, lines.length - 15), lines.length));
      return ": " + Printable.of(String.join(" | ", last));
    }
  }

  /** Reads a stream on its own thread, keeping its first {@code max} bytes, or its last ones. */
  private static final class Drain implements Runnable {
    private final InputStream in;
    private final int max;
    private final boolean keepTail;
    private final Process stopOnOverflow;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean overflowed;

    private Drain(InputStream in, int max, boolean keepTail, Process stopOnOverflow) {
      this.in = in;
      this.max = max;
      this.keepTail = keepTail;
      this.stopOnOverflow = stopOnOverflow;
      this.thread = new Thread(this, "drain");
      thread.setDaemon(true);
    }

    static Drain start(InputStream in, int max, boolean keepTail, Process stopOnOverflow) {
      Drain d = new Drain(in, max, keepTail, stopOnOverflow);
      d.thread.start();
      return d;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (kept) {
            if (!keep(buf, n)) {
              overflowed = true;
              stopOnOverflow.destroy();
              return;
            }
          }
        }
      } catch (IOException e) {
        // the process ended or was stopped
      }
    }

    /** False when the bound is reached and the rest is not wanted. */
    private boolean keep(byte[] buf, int n) {
      if (kept.size() + n <= max) {
        kept.write(buf, 0, n);
        return true;
      }
      if (!keepTail) {
        kept.write(buf, 0, Math.max(0, max - kept.size()));
        return stopOnOverflow == null;
      }
      byte[] all = kept.toByteArray();
      kept.reset();
      int from = Math.max(0, all.length + n - max);
      kept.write(all, Math.min(from, all.length), all.length - Math.min(from, all.length));
      kept.write(buf, Math.max(0, from - all.length), n - Math.max(0, from - all.length));
      return true;
    }

    boolean overflowed() {
      return overflowed;
    }

    byte[] finish() throws InterruptedException {
      thread.join(10_000);
      synchronized (kept) {
        return kept.toByteArray();
      }
    }
  }
}
