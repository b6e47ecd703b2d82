package io.custody.collector.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.custody.evidence.AwsOperationException;
import io.custody.evidence.ExitCode;
import io.custody.evidence.ids.InstanceId;
import io.custody.evidence.testing.MotoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Throttling and server errors from AWS: the SDK retries (adaptively), then Custody fails with a
 * clear message naming the resource and AWS's error, exit code 3. A local HTTP server plays an
 * overloaded EC2 endpoint.
 */
class AwsFailuresTest {

  HttpServer server;
  final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void credentials() {
    System.setProperty("aws.accessKeyId", MotoServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", MotoServer.SECRET_KEY);
  }

  private URI start(int status, String code) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      byte[] body = ("<Response><Errors><Error><Code>" + code + "</Code><Message>try later</Message></Error></Errors>"
          + "<RequestID>req-" + requests.get() + "</RequestID></Response>").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @ParameterizedTest
  @CsvSource({"503,RequestLimitExceeded", "500,InternalError", "503,Unavailable"})
  void describeInstance_throttledOrFailing_retriedThenClearError(int status, String code) throws Exception {
    URI endpoint = start(status, code);
    try (AwsSession s = AwsSession.open(new AwsConfig("us-east-1", null, endpoint))) {
      assertThatThrownBy(() -> s.ec2().describeInstance(new InstanceId("i-0123456789abcdef0")))
          .isInstanceOfSatisfying(AwsOperationException.class, e -> {
            assertThat(e.getMessage()).contains("instance 'i-0123456789abcdef0'", code);
            assertThat(e.exitCode()).isEqualTo(ExitCode.AWS);
            assertThat(e.requestId()).startsWith("req-");
          });
    }
    assertThat(requests.get()).as("the SDK retried").isGreaterThan(1);
  }

  @Test
  void unreachableEndpoint_clearError() {
    try (AwsSession s = AwsSession.open(new AwsConfig("us-east-1", null, URI.create("http://127.0.0.1:9")))) {
      assertThatThrownBy(() -> s.ec2().describeInstance(new InstanceId("i-0123456789abcdef0")))
          .isInstanceOf(AwsOperationException.class).hasMessageContaining("instance 'i-0123456789abcdef0'");
    }
  }
}
