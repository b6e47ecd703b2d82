package io.custody.analyzer.disk;

import io.custody.evidence.HostException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs The Sleuth Kit's command-line tools (Debian package {@code sleuthkit}) on a raw image. They
 * only read the image. Outputs are bounded; a tool that is missing is a host error naming the package.
 */
final class Tsk {

  /** The result of one tool run. */
  record Result(int exit, byte[] out, String err, boolean truncated) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  private static final int MAX_ERR = 64 << 10;
  private static final long TIMEOUT_MIN = 120;

  private final List<Path> image;

  Tsk(List<Path> image) {
    this.image = List.copyOf(image);
  }

  /** {@code mmls} on the image: the partition table, or a non-zero exit when there is none. */
  Result mmls() {
    return run(List.of("mmls", "-i", "raw"), 4 << 20);
  }

  /** {@code fsstat -o OFFSET}: the file system's type and layout. */
  Result fsstat(long sectorOffset) {
    return run(List.of("fsstat", "-i", "raw", "-o", Long.toString(sectorOffset)), 4 << 20);
  }

  /** {@code fls -r -m PREFIX -o OFFSET} into {@code out}: the bodyfile, deleted entries included. */
  Result fls(long sectorOffset, String prefix, Path out) {
    List<String> cmd = new ArrayList<>(List.of("fls", "-i", "raw", "-r", "-m", prefix, "-o", Long.toString(sectorOffset)));
    image.forEach(p -> cmd.add(p.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
    return wait(pb, 0, cmd);
  }

  /** {@code icat -o OFFSET INODE}: a file's content, at most {@code max} bytes (truncated flag set past it). */
  Result icat(long sectorOffset, String inode, int max) {
    return run(List.of("icat", "-i", "raw", "-o", Long.toString(sectorOffset), inode), max);
  }

  /** {@code istat -o OFFSET INODE}: a file's metadata as TSK reports it. */
  Result istat(long sectorOffset, String inode) {
    return run(List.of("istat", "-i", "raw", "-o", Long.toString(sectorOffset), inode), 1 << 20);
  }

  private Result run(List<String> base, int maxOut) {
    List<String> cmd = new ArrayList<>(base);
    if (base.get(0).equals("icat") || base.get(0).equals("istat")) {
      // The inode comes last for these tools: image files go before it.
      String inode = cmd.remove(cmd.size() - 1);
      image.forEach(p -> cmd.add(p.toString()));
      cmd.add(inode);
    } else {
      image.forEach(p -> cmd.add(p.toString()));
    }
    return wait(new ProcessBuilder(cmd), maxOut, cmd);
  }

  private static Result wait(ProcessBuilder pb, int maxOut, List<String> cmd) {
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new HostException("Failed to run " + cmd.get(0) + ": " + e.getMessage() + " (install the Debian package sleuthkit)", e);
    }
    try {
      p.getOutputStream().close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader = new Thread(() -> drain(p.getErrorStream(), err, MAX_ERR));
      errReader.setDaemon(true);
      errReader.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      boolean truncated = false;
      if (maxOut > 0) {
        truncated = drain(p.getInputStream(), out, maxOut);
        if (truncated) {
          p.destroy();
        }
      }
      if (!p.waitFor(TIMEOUT_MIN, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new HostException("Failed to run " + String.join(" ", cmd) + ": no answer after " + TIMEOUT_MIN + " minutes");
      }
      errReader.join(10_000);
      return new Result(truncated ? 0 : p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8).strip(), truncated);
    } catch (IOException e) {
      p.destroyForcibly();
      throw new HostException("Failed to read from " + cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostException("Interrupted while running " + cmd.get(0), e);
    }
  }

  /** Copies at most {@code max} bytes; returns true when more was there (then stops reading). */
  private static boolean drain(InputStream in, ByteArrayOutputStream out, int max) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        int room = max - out.size();
        if (n > room) {
          out.write(buf, 0, Math.max(0, room));
          return true;
        }
        out.write(buf, 0, n);
      }
    } catch (IOException ignored) {
      // the process ended or was stopped
    }
    return false;
  }
}
