package io.custody.collector.host;

import io.custody.evidence.HostException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host tools Custody drives (losetup, mount, umount, lvm) with fixed arguments, never
 * through a shell, and fails with what the tool said.
 */
public final class Commands {

  private Commands() {}

  /** The result of a tool run. */
  public record Result(int exit, String out, String err) {}

  /** Runs and returns whatever the tool answered. */
  public static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new HostException("Failed to run " + command.get(0) + ": timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new HostException("Failed to run " + command.get(0) + ": " + e.getMessage() + " (is it installed? scripts/setup installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostException("Failed to run " + command.get(0) + ": interrupted", e);
    }
  }

  /** Runs and insists on exit 0; returns stdout. */
  public static String check(List<String> command) {
    Result r = run(command);
    if (r.exit() != 0) {
      throw new HostException("Failed to run '" + String.join(" ", command) + "': exit " + r.exit() + ": " + r.err().trim());
    }
    return r.out();
  }
}
