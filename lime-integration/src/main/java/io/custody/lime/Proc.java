package io.custody.lime;

import io.custody.evidence.HostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool of the workstation (apt-get, dpkg-deb, make), its output kept in a log file. */
final class Proc {

  private Proc() {}

  /**
   * Runs {@code cmd} in {@code dir}, appending stdout and stderr to {@code log}.
   *
   * @return the output of this run
   * @throws HostException when it cannot start, times out or exits non-zero (with the end of its output)
   */
  static String run(List<String> cmd, Path dir, Path log, Map<String, String> env, long timeoutSeconds) {
    try {
      Path out = Files.createTempFile(log.getParent(), "proc-", ".out");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new HostException("Failed to run '" + String.join(" ", cmd) + "': no result after " + timeoutSeconds + " s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n" + text, StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        if (p.exitValue() != 0) {
          throw new HostException("Failed to run '" + String.join(" ", cmd) + "': exit " + p.exitValue() + "\n" + tail(text));
        }
        return text;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new HostException("Failed to run '" + cmd.get(0) + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostException("Failed to run '" + cmd.get(0) + "': interrupted", e);
    }
  }

  static String tail(String text) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - 15);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
