package io.custody.collector.host;

import io.custody.evidence.HostException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The instance metadata service (IMDSv2: a session token first) of the workstation: its
 * availability zone and instance id. The endpoint is {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} or
 * the link-local default.
 */
public final class Imds {

  private final URI endpoint;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public Imds(URI endpoint) {
    this.endpoint = endpoint;
  }

  public static Imds system() {
    String env = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    return new Imds(URI.create(env != null && !env.isBlank() ? env : "http://169.254.169.254"));
  }

  public String availabilityZone() {
    return get("placement/availability-zone");
  }

  public String instanceId() {
    return get("instance-id");
  }

  private String get(String path) {
    try {
      HttpResponse<String> token = http.send(HttpRequest.newBuilder(endpoint.resolve("/latest/api/token"))
          .timeout(Duration.ofSeconds(3)).header("X-aws-ec2-metadata-token-ttl-seconds", "60")
          .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      if (token.statusCode() != 200) {
        throw new IOException("token request answered HTTP " + token.statusCode());
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/latest/meta-data/" + path))
          .timeout(Duration.ofSeconds(3)).header("X-aws-ec2-metadata-token", token.body()).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || r.body().isBlank() || r.body().length() > 256) {
        throw new IOException("answered HTTP " + r.statusCode());
      }
      return r.body().trim();
    } catch (IOException e) {
      throw new HostException("Failed to read " + path + " from instance metadata at " + endpoint + ": " + e.getMessage()
          + " (not on EC2? give --az and --workstation)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostException("Failed to read instance metadata: interrupted", e);
    }
  }
}
