package io.custody.analyzer.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.HostException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.process.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Volatility 3 (pinned in scripts/requirements.txt, installed into the project's venv by
 * scripts/setup) run on one raw LiME image with one symbol table, read-only and offline, through
 * Custody's runner ({@code volrun.py}): one Python process that stacks the image's layers and loads
 * the table once, then runs plugin after plugin in the same context (the vol command line does both
 * again for every plugin: seconds each, and a scan of the image for the kernel banner). Per-process
 * plugins can run one PID at a time there, so a process whose memory cannot be walked costs only its
 * own rows.
 *
 * <p>The table is copied (it is derived, not evidence) into {@code
 * ~/.cache/custody/volatility/<its SHA-256>/symbols/linux/}, with Volatility's own cache beside it:
 * Volatility validates and indexes a table the first time it sees it (about 25 s for a 10 MB table on
 * this kind of machine) and reuses that afterwards; one folder per table keeps another table of the
 * same kernel banner from being chosen instead.
 */
public final class Volatility implements AutoCloseable {

  /** The environment variable naming the vol executable (bin/custody sets it to the venv's). */
  public static final String ENV = "CUSTODY_VOL";

  private final Duration timeout;
  private final Process process;
  private final java.io.BufferedWriter requests;
  private final java.io.BufferedReader answers;
  private final Path script;
  private final java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "volatility-answers");
    t.setDaemon(true);
    return t;
  });
  private final StringBuilder errTail = new StringBuilder();

  /**
   * One plugin's run: its rows (tree rows flattened, children after their parent), or why it failed.
   *
   * @param failedPids for a run one PID at a time: the PIDs whose rows could not be read, and why
   */
  public record Result(String plugin, List<Long> pids, boolean ok, List<JsonNode> rows, String error, double seconds,
      java.util.Map<Long, String> failedPids) {}

  /**
   * Starts the runner.
   *
   * @param image the raw LiME image (a scratch copy; Volatility only reads it)
   * @param isf the symbol table (JSON)
   * @param scratch where the runner script is written (removed on close)
   */
  public Volatility(Path image, Path isf, Path scratch, Duration timeout) {
    this(image, isf, scratch, timeout, false);
  }

  /**
   * @param madeByCustody the table is a symbols item Custody made at capture: Volatility's schema
   *     validation (about 35 s for a kernel's table; the project's tests validate what Custody writes)
   *     is skipped; a table from elsewhere is always validated
   */
  public Volatility(Path image, Path isf, Path scratch, Duration timeout, boolean madeByCustody) {
    this.timeout = timeout;
    try {
      java.security.MessageDigest d = io.custody.evidence.HashAlgorithm.SHA256.newDigest();
      try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(isf), d)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      Sha256 sha = Sha256.of(d.digest());
      Path root = cacheRoot().resolve(sha.hex());
      Path symbols = root.resolve("symbols");
      Path cache = Files.createDirectories(root.resolve("cache"));
      Path linux = Files.createDirectories(symbols.resolve("linux"));
      Path copy = linux.resolve("custody-" + sha.hex().substring(0, 16) + ".json");
      if (!Files.exists(copy)) {
        Path tmp = Files.createTempFile(linux, ".isf-", ".tmp");
        Files.copy(isf, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
      }
      script = Files.createTempFile(scratch, "volrun-", ".py");
      try (InputStream in = Volatility.class.getResourceAsStream("volrun.py")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      ProcessBuilder pb = new ProcessBuilder(python(), script.toString());
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      process = pb.start();
      Thread err = new Thread(() -> drainErr(process.getErrorStream()), "volatility-stderr");
      err.setDaemon(true);
      err.start();
      requests = new java.io.BufferedWriter(new java.io.OutputStreamWriter(process.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8));
      answers = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8),
          1 << 16);
      java.util.Map<String, Object> job = new java.util.LinkedHashMap<>();
      job.put("image", image.toAbsolutePath().toString());
      job.put("symbols", symbols.toString());
      job.put("cache", cache.toString());
      job.put("made_by_custody", madeByCustody);
      requests.write(Json.mapper().writeValueAsString(job));
      requests.newLine();
      requests.flush();
    } catch (IOException e) {
      throw new HostException("Failed to start Volatility 3 (" + python() + "): " + e.getMessage(), e);
    }
  }

  /** {@code $CUSTODY_VOL}, else {@code vol} on the PATH. */
  public static String executable() {
    String v = System.getenv(ENV);
    return v == null || v.isBlank() ? "vol" : v;
  }

  /** The Python beside the vol executable (the venv's), else python3. */
  static String python() {
    String vol = executable();
    if (vol.contains("/")) {
      Path p = Path.of(vol).resolveSibling("python");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return "python3";
  }

  /** "Volatility 3 Framework 2.28.2" as the executable says it, or null when it does not run. */
  public static String version() {
    try {
      ProcessRunner.Result r = ProcessRunner.of(executable(), "-h").timeout(Duration.ofSeconds(60)).maxOutput(1 << 16).run();
      String first = r.text().strip().split("\n")[0].strip();
      return r.ok() && first.startsWith("Volatility") ? Printable.of(first) : null;
    } catch (HostException e) {
      return null;
    }
  }

  static Path cacheRoot() {
    String c = System.getenv("CUSTODY_CACHE");
    Path base = c == null || c.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "custody") : Path.of(c);
    return base.resolve("volatility");
  }

  /** Runs one plugin over everything. */
  public Result run(String plugin) {
    return run(plugin, null, false);
  }

  /**
   * Runs one plugin; a plugin that fails gives a result saying why, never an exception. A runner that
   * died or passed the timeout fails this run and every later one.
   *
   * @param pids only these processes (null: all)
   * @param each one PID at a time (per-process plugins)
   */
  public Result run(String plugin, List<Long> pids, boolean each) {
    long t0 = System.nanoTime();
    try {
      java.util.Map<String, Object> req = new java.util.LinkedHashMap<>();
      req.put("plugin", plugin);
      if (pids != null) {
        req.put("pids", pids);
        req.put("each", each);
      }
      requests.write(Json.mapper().writeValueAsString(req));
      requests.newLine();
      requests.flush();
      String line = reader.submit(answers::readLine).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      if (line == null) {
        return failed(plugin, pids, "the Volatility runner ended: " + tail(), t0);
      }
      JsonNode a = Json.mapper().readTree(line);
      double seconds = a.path("seconds").asDouble((System.nanoTime() - t0) / 1e9);
      if (!a.path("ok").asBoolean()) {
        return new Result(plugin, pids, false, List.of(), Printable.of(a.path("error").asText("no reason given")), seconds, java.util.Map.of());
      }
      List<JsonNode> rows = new ArrayList<>();
      a.path("rows").forEach(rows::add);
      java.util.Map<Long, String> failed = new java.util.TreeMap<>();
      a.path("failed_pids").fields().forEachRemaining(e -> failed.put(Long.parseLong(e.getKey()), Printable.of(e.getValue().asText())));
      return new Result(plugin, pids, true, rows, null, seconds, failed);
    } catch (java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      return failed(plugin, pids, "no answer within " + timeout.toMinutes() + " min; Volatility stopped", t0);
    } catch (IOException | java.util.concurrent.ExecutionException | RuntimeException e) {
      return failed(plugin, pids, "the Volatility runner failed: " + e.getMessage() + "; " + tail(), t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return failed(plugin, pids, "interrupted", t0);
    }
  }

  private static Result failed(String plugin, List<Long> pids, String why, long t0) {
    return new Result(plugin, pids, false, List.of(), Printable.of(why), (System.nanoTime() - t0) / 1e9, java.util.Map.of());
  }

  private void drainErr(InputStream err) {
    try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(err, java.nio.charset.StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        synchronized (errTail) {
          errTail.append(l).append('\n');
          if (errTail.length() > 8192) {
            errTail.delete(0, errTail.length() - 8192);
          }
        }
      }
    } catch (IOException e) {
      // the runner ended
    }
  }

  private String tail() {
    synchronized (errTail) {
      String[] lines = errTail.toString().strip().split("\n");
      return Printable.of(lines.length == 0 ? "" : lines[lines.length - 1]);
    }
  }

  @Override
  public void close() {
    try {
      requests.close();
    } catch (IOException e) {
      // the runner is gone already
    }
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    reader.shutdownNow();
    try {
      Files.deleteIfExists(script);
    } catch (IOException e) {
      System.err.println("custody: warning: could not remove " + script + ": " + e.getMessage());
    }
  }
}
