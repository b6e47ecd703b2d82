package io.custody.collector.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Sha256;
import io.custody.evidence.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * The evidence host of a memory capture in emulator tests of the collector: it finds the command in
 * the emulator as the SSM agent would, and does what the host script does with the presigned URLs
 * of its plan (fetch the plan and the module for its kernel, check their hashes, PUT the parts and
 * result.json). It records every URL it used with its method, so a test can check them against the
 * permissions of the URLs' signer. (The real script runs in the QEMU test of tests/.)
 */
public final class RunCommandHost implements Runnable {

  /** The RAM the host reports (two System RAM ranges). */
  public static final String RAM = "00001000-0009ffff, 00100000-007fffff";

  /** A URL the host used. */
  public record Used(String method, URI url) {}

  private final SsmClient ssm;
  private final String instanceId;
  private final String release;
  private final int index;
  private final byte[] image = image();
  private final HttpClient http = HttpClient.newHttpClient();
  public final List<Used> used = new CopyOnWriteArrayList<>();
  public final AtomicReference<Throwable> error = new AtomicReference<>();

  /** @param index which command sent to the instance to answer (0: the first) */
  public RunCommandHost(SsmClient ssm, String instanceId, String release, int index) {
    this.ssm = ssm;
    this.instanceId = instanceId;
    this.release = release;
    this.index = index;
  }

  /** Starts answering in a thread. */
  public Thread start() {
    Thread t = new Thread(this, "run-command-host");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The LiME image the host sends. */
  public byte[] imageBytes() {
    return image.clone();
  }

  @Override
  public void run() {
    try {
      Map<String, String> p = new HashMap<>();
      awaitCommand().parameters().forEach((k, v) -> p.put(k, v.get(0)));
      byte[] plan = get(URI.create(p.get("PlanUrl")));
      if (!Sha256.digest(plan).hex().equals(p.get("PlanSha256"))) {
        throw new IllegalStateException("the plan does not have the SHA-256 of the command");
      }
      Map<Integer, URI> parts = new HashMap<>();
      long partSize = 0;
      String moduleSha = null;
      URI moduleUrl = null;
      for (String line : new String(plan, StandardCharsets.US_ASCII).split("\n")) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "part" -> parts.put(Integer.parseInt(f[1]), URI.create(f[2]));
          case "part_size" -> partSize = Long.parseLong(f[1]);
          case "module" -> {
            if (f[1].equals(release)) {
              moduleSha = f[2];
              moduleUrl = URI.create(f[3]);
            }
          }
          default -> { }
        }
      }
      if (moduleUrl == null || !Sha256.digest(get(moduleUrl)).hex().equals(moduleSha)) {
        throw new IllegalStateException("no module for " + release + " with its SHA-256 in the plan");
      }
      ObjectNode result = Json.mapper().createObjectNode();
      result.put("format", "custody-lime-result/1").put("kernel_release", release).put("rmmod", "unloaded").put("compression", "none");
      ArrayNode ram = result.putArray("iomem_system_ram");
      Arrays.stream(RAM.split(",")).map(String::trim).forEach(ram::add);
      ArrayNode done = result.putArray("parts");
      for (int n = 1; (long) (n - 1) * partSize < image.length; n++) {
        int from = (int) ((n - 1) * partSize);
        byte[] part = Arrays.copyOfRange(image, from, (int) Math.min(image.length, from + partSize));
        done.addObject().put("number", n).put("etag", put(parts.get(n), part)).put("size", part.length);
      }
      result.put("status", "ok").put("stage", "done").put("error", "").put("bytes", image.length).put("sha256", Sha256.digest(image).hex());
      put(URI.create(p.get("ResultUrl")), Json.write(result));
    } catch (Throwable t) {
      error.set(t);
    }
  }

  private Command awaitCommand() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      List<Command> cs = new ArrayList<>(ssm.listCommands(b -> b.instanceId(instanceId)).commands());
      if (cs.size() > index) {
        return cs.get(index);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no command arrived");
  }

  private byte[] get(URI url) throws IOException, InterruptedException {
    used.add(new Used("GET", url));
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET answered " + r.statusCode());
    }
    return r.body();
  }

  /** @return the ETag */
  private String put(URI url, byte[] body) throws IOException, InterruptedException {
    used.add(new Used("PUT", url));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("PUT answered " + r.statusCode() + ": " + r.body());
    }
    return r.headers().firstValue("ETag").orElse("").replace("\"", "");
  }

  /** A LiME image of {@link #RAM} (8 MiB + 636 KiB: two parts of 5 MiB). */
  private static byte[] image() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random rnd = new Random(3);
    range(out, rnd, 0x1000, 0x9ffff);
    range(out, rnd, 0x100000, 0x7fffff);
    return out.toByteArray();
  }

  private static void range(ByteArrayOutputStream out, Random rnd, long start, long end) {
    out.writeBytes(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(0x4C694D45).putInt(1).putLong(start).putLong(end).putLong(0).array());
    byte[] data = new byte[(int) (end - start + 1)];
    rnd.nextBytes(data);
    out.writeBytes(data);
  }
}
