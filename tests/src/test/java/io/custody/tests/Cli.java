package io.custody.tests;

import io.custody.evidence.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the built commands of the checkout (bin/custody, bin/custody-verify, the .venv tools) as processes. */
final class Cli {

  static final Path REPO = Path.of(System.getProperty("custody.repo", "..")).toAbsolutePath().normalize();

  private final Map<String, String> env = new HashMap<>();

  Cli(Path home) {
    env.put("CUSTODY_HOME", home.toString());
  }

  Cli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  Run custody(String... args) {
    return run(REPO.resolve("bin/custody").toString(), args);
  }

  Run custodyVerify(String... args) {
    return run(REPO.resolve("bin/custody-verify").toString(), args);
  }

  Run run(String program, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(program);
    cmd.addAll(List.of(args));
    return Run.of(null, env, cmd);
  }

  /** A tool of the project's Python venv (made by scripts/setup); fails clearly when missing. */
  static String venvTool(String name) {
    Path p = REPO.resolve(".venv/bin").resolve(name);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " is missing: run scripts/setup");
    }
    return p.toString();
  }

  /** The standalone verifier jar. */
  static Path verifyJar() throws java.io.IOException {
    try (var s = Files.list(REPO.resolve("evidence-format/target"))) {
      return s.filter(p -> p.getFileName().toString().endsWith("-verify.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("custody-verify jar not built"));
    }
  }
}
