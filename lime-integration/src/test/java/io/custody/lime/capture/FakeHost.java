package io.custody.lime.capture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Sha256;
import io.custody.evidence.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * A stand-in for the evidence host in emulator tests (the real host script runs in the QEMU test):
 * it finds the command in the emulator like an SSM agent would, reads the plan through its presigned
 * URL, checks hashes, and uploads a given LiME image through the presigned part URLs, then
 * result.json. Behaviours make it fail the ways a host can.
 */
final class FakeHost implements Runnable {

  enum Behaviour { NORMAL, SILENT, FAIL_AFTER_ONE_PART, WRONG_SHA }

  private final SsmClient ssm;
  private final String instanceId;
  private final String release;
  private final byte[] image;
  private final String iomem;
  private final Behaviour behaviour;
  private final HttpClient http = HttpClient.newHttpClient();
  final AtomicReference<Throwable> error = new AtomicReference<>();
  volatile int partsUploaded;
  volatile String plan;

  private final int index;

  /** @param index which command for the instance this host answers (0: the first sent) */
  FakeHost(SsmClient ssm, String instanceId, String release, byte[] image, String iomemRanges, Behaviour behaviour, int index) {
    this.index = index;
    this.ssm = ssm;
    this.instanceId = instanceId;
    this.release = release;
    this.image = image;
    this.iomem = iomemRanges;
    this.behaviour = behaviour;
  }

  @Override
  public void run() {
    try {
      Command c = awaitCommand();
      Map<String, String> p = new HashMap<>();
      c.parameters().forEach((k, v) -> p.put(k, v.get(0)));
      if (behaviour == Behaviour.SILENT) {
        return;
      }
      byte[] plan = get(p.get(CaptureDocument.PLAN_URL));
      this.plan = new String(plan, StandardCharsets.US_ASCII);
      if (!Sha256.digest(plan).hex().equals(p.get(CaptureDocument.PLAN_SHA256))) {
        throw new IllegalStateException("plan hash mismatch");
      }
      Map<Integer, String> parts = new HashMap<>();
      long partSize = 0;
      String moduleUrl = null;
      String moduleSha = null;
      for (String line : new String(plan, StandardCharsets.US_ASCII).split("\n")) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "part" -> parts.put(Integer.parseInt(f[1]), f[2]);
          case "part_size" -> partSize = Long.parseLong(f[1]);
          case "module" -> {
            if (f[1].equals(release)) {
              moduleSha = f[2];
              moduleUrl = f[3];
            }
          }
          default -> { }
        }
      }
      ObjectNode result = Json.mapper().createObjectNode();
      result.put("format", "custody-lime-result/1");
      result.put("kernel_release", release);
      result.put("rmmod", "unloaded");
      ArrayNode ram = result.putArray("iomem_system_ram");
      for (String r : iomem.split(",")) {
        ram.add(r.trim());
      }
      ArrayNode done = result.putArray("parts");
      if (moduleUrl == null || !Sha256.digest(get(moduleUrl)).hex().equals(moduleSha)) {
        result.put("status", "failed").put("stage", "module").put("error", "no LiME module for kernel " + release).put("bytes", 0).put("rmmod", "not-loaded");
        put(p.get(CaptureDocument.RESULT_URL), Json.write(result));
        return;
      }
      long total = 0;
      byte[] image = this.image;
      boolean gzip = this.plan.contains("\ncompress gzip\n");
      result.put("compression", gzip ? "gzip" : "none");
      if (gzip) {
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(z)) {
          g.write(image);
        }
        image = z.toByteArray();
      }
      for (int n = 1; (long) (n - 1) * partSize < image.length; n++) {
        int from = (int) ((n - 1) * partSize);
        byte[] part = Arrays.copyOfRange(image, from, (int) Math.min(image.length, from + partSize));
        String etag = put(parts.get(n), part);
        done.addObject().put("number", n).put("etag", etag).put("size", part.length);
        partsUploaded = n;
        total += part.length;
        if (behaviour == Behaviour.FAIL_AFTER_ONE_PART) {
          result.put("status", "failed").put("stage", "capture").put("error", "part 2 could not be uploaded").put("bytes", total);
          put(p.get(CaptureDocument.RESULT_URL), Json.write(result));
          return;
        }
      }
      String sha = Sha256.digest(this.image).hex();
      result.put("status", "ok").put("stage", "done").put("error", "").put("bytes", total)
          .put("sha256", behaviour == Behaviour.WRONG_SHA ? "0".repeat(64) : sha);
      put(p.get(CaptureDocument.RESULT_URL), Json.write(result));
    } catch (Throwable t) {
      error.set(t);
    }
  }

  private Command awaitCommand() throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      List<Command> cs = new ArrayList<>(ssm.listCommands(b -> b.instanceId(instanceId)).commands());
      if (cs.size() > index) {
        return cs.get(index);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no command arrived");
  }

  private byte[] get(String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET answered " + r.statusCode());
    }
    return r.body();
  }

  private String put(String url, byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("PUT answered " + r.statusCode() + ": " + r.body());
    }
    return r.headers().firstValue("ETag").orElse("").replace("\"", "");
  }
}
