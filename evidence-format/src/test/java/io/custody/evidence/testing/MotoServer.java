package io.custody.evidence.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The AWS emulator for tests: one moto server (from the project's .venv) per test JVM on a free
 * loopback port, its state reset before every test. Sets the SDK's system properties (dummy
 * credentials, us-east-1) so in-process clients pointed at {@link #endpoint()} work.
 *
 * <p>Use with {@code @ExtendWith(MotoServer.class)}. {@link #enforceIam()} makes moto check IAM
 * policies from then on (until the next test).
 */
public final class MotoServer implements BeforeAllCallback, BeforeEachCallback {

  public static final String ACCESS_KEY = "testing";
  public static final String SECRET_KEY = "testing";
  public static final String REGION = "us-east-1";

  private static Process process;
  private static int port;

  /** Starts the server once per JVM. */
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    reset();
  }

  public static synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path moto = repo().resolve(".venv/bin/moto_server");
    if (!Files.isExecutable(moto)) {
      throw new IllegalStateException(moto + " is missing: run scripts/setup");
    }
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto-server-", ".log");
    ProcessBuilder pb = new ProcessBuilder(moto.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    pb.environment().put("AWS_DEFAULT_REGION", REGION);
    // AWS managed policies (AdministratorAccess, ReadOnlyAccess, ...) exist in a real account.
    pb.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
    process = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> process.destroy()));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (true) {
      try {
        if (post("/moto-api/reset", "") == 200) {
          break;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("moto server did not start; see " + log + ":\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.region", REGION);
  }

  /** Forgets every resource and turns IAM enforcement off. */
  public static void reset() throws IOException {
    check(post("/moto-api/reset", ""));
    check(post("/moto-api/reset-auth", "inf"));
  }

  /** From the next call on, moto authenticates every request and checks it against IAM policies. */
  public static void enforceIam() throws IOException {
    check(post("/moto-api/reset-auth", "0"));
  }

  /** Stops checking IAM policies (until {@link #enforceIam()}). */
  public static void relaxIam() throws IOException {
    check(post("/moto-api/reset-auth", "inf"));
  }

  public static URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private static void check(int status) throws IOException {
    if (status != 200) {
      throw new IOException("moto api answered " + status);
    }
  }

  private static int post(String path, String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "text/plain");
    c.setConnectTimeout(2000);
    c.setReadTimeout(30000);
    c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    int status = c.getResponseCode();
    c.getInputStream().close();
    return status;
  }

  /** The repository root (see {@link Corpus#repo()}). */
  public static Path repo() {
    return Corpus.repo();
  }
}
