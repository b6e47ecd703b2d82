package io.custody.tests;

import io.custody.evidence.testing.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The QEMU guest of scripts/lime-guest: a real Debian kernel with the lime.ko that {@code custody
 * lime build} made for it. Building it needs qemu, busybox-static, bash-static, curl and apt
 * (scripts/setup); when that is impossible the test fails with the script's reason.
 */
final class LimeGuest {

  final Path dir;
  final String release;

  private LimeGuest(Path dir) throws IOException {
    this.dir = dir;
    this.release = Files.readString(dir.resolve("release")).strip();
  }

  /** Builds the cached guest when missing (minutes the first time, instant after). */
  static LimeGuest ensure() throws IOException {
    Run r = Run.of(Cli.REPO.toFile().toPath(), Map.of(), List.of(Cli.REPO.resolve("scripts/lime-guest").toString(), "build"));
    if (r.exit() != 0) {
      throw new IllegalStateException("the LiME guest cannot be built here (scripts/lime-guest build exit " + r.exit() + "):\n" + r.err());
    }
    String[] lines = r.out().strip().split("\n");
    return new LimeGuest(Path.of(lines[lines.length - 1]));
  }

  /** The modules folder as custody lime build laid it out. */
  Path modules() {
    return dir.resolve("modules");
  }

  /** What one boot printed on its serial console. */
  record Boot(int exit, String serial) {
    String between(String begin, String end) {
      int b = serial.indexOf(begin + "\n");
      int e = serial.indexOf(end, b);
      if (b < 0 || e < 0) {
        throw new IllegalStateException("no " + begin + " in the guest's console:\n" + serial);
      }
      return serial.substring(b + begin.length() + 1, e);
    }

    String procVersion() {
      return between("GUEST-VERSION-BEGIN", "GUEST-VERSION-END").strip();
    }

    String iomem() {
      return between("GUEST-IOMEM-BEGIN", "GUEST-IOMEM-END");
    }

    String job() {
      int b = serial.indexOf("JOB-BEGIN");
      int e = serial.lastIndexOf("JOB-EXIT");
      return b < 0 ? "" : serial.substring(b, e < 0 ? serial.length() : e);
    }
  }

  /** Boots the guest with {@code script} as its job and {@code env} in /job/env. */
  Boot run(Path jobDir, String script, Map<String, String> env) throws IOException {
    Files.createDirectories(jobDir);
    Files.writeString(jobDir.resolve("run.sh"), script, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder();
    env.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Files.writeString(jobDir.resolve("env"), sb.toString());
    Run r = Run.of(Cli.REPO.toFile().toPath(), Map.of(), List.of(Cli.REPO.resolve("scripts/lime-guest").toString(), "run", jobDir.toString()));
    Path serial = jobDir.resolve("serial.log");
    // the serial console ends lines with CR LF
    String log = Files.exists(serial) ? Files.readString(serial, StandardCharsets.UTF_8).replace("\r\n", "\n") : "";
    if (!log.contains("JOB-EXIT")) {
      throw new IllegalStateException("the guest did not finish its job (scripts/lime-guest run exit " + r.exit() + "): " + r.err() + "\n" + log);
    }
    return new Boot(r.exit(), log);
  }
}
