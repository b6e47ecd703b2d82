package io.custody.evidence.cli;

import io.custody.evidence.ByteSize;
import io.custody.evidence.hash.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A progress bar on stderr for one long step: label, percentage and bar when the total is known,
 * bytes done and total, rate, elapsed and remaining time; redrawn at most five times a second, from
 * any thread. Shown only when stderr is a terminal (whatever stdout is) and not turned off with
 * {@code --no-progress}; otherwise it does nothing. Close it to end the line.
 */
public final class TerminalProgress implements ProgressListener, AutoCloseable {

  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR = 24;

  private static volatile boolean disabled;

  private final PrintStream out;
  private final String label;
  private final long start = System.nanoTime();
  private long total;
  private long done;
  private long lastDraw;
  private int lastWidth;
  private boolean drawn;

  TerminalProgress(PrintStream out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  /** Turns every bar of this process off ({@code --no-progress}). */
  public static void disable(boolean off) {
    disabled = off;
  }

  /**
   * A bar for a step of {@code total} bytes (-1 when not known yet: the step may say it later).
   *
   * @return a bar on stderr, or one that draws nothing when stderr is not a terminal
   */
  public static TerminalProgress start(String label, long total) {
    return new TerminalProgress(disabled || !stderrIsTerminal() ? null : System.err, label, total);
  }

  /** True when file descriptor 2 is a terminal (Linux: /proc/self/fd/2 points to a tty or pty). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  @Override
  public void progress(long bytesDone, long bytesTotal) {
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    synchronized (this) {
      done = bytesDone;
      if (bytesTotal > 0) {
        total = bytesTotal;
      }
      if (now - lastDraw < REDRAW_NANOS && drawn) {
        return;
      }
      lastDraw = now;
      draw(now);
    }
  }

  @Override
  public synchronized void close() {
    if (out == null || !drawn) {
      return;
    }
    draw(System.nanoTime());
    out.println();
    out.flush();
  }

  private void draw(long now) {
    String line = line(now);
    int pad = Math.max(0, lastWidth - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastWidth = line.length();
    drawn = true;
  }

  /** The text of the bar at {@code now}. */
  String line(long now) {
    double secs = Math.max((now - start) / 1e9, 1e-3);
    double rate = done / secs;
    StringBuilder sb = new StringBuilder(label).append(' ');
    if (total > 0) {
      int pct = (int) Math.min(100, done * 100 / total);
      int fill = (int) Math.min(BAR, done * BAR / total);
      sb.append(String.format(Locale.ROOT, "%3d%% [", pct)).append("=".repeat(fill)).append(" ".repeat(BAR - fill)).append("] ");
      sb.append(ByteSize.format(done)).append(" of ").append(ByteSize.format(total));
    } else {
      sb.append(ByteSize.format(done));
    }
    sb.append(", ").append(ByteSize.format((long) rate)).append("/s, elapsed ").append(clock(secs));
    if (total > 0 && done > 0 && done < total) {
      sb.append(", left ").append(clock((total - done) / Math.max(rate, 1)));
    }
    return sb.toString();
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
