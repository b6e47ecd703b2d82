package io.custody.collector.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.Json;
import io.custody.evidence.Sha256;
import io.custody.lime.capture.CaptureDocument;
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
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

/**
 * The evidence host of a memory capture in the collector's emulator tests (the real host script runs
 * in the QEMU test of tests/): it finds the command in the emulator as the SSM agent would, reads the
 * plan through its presigned URL, checks its hash and the module's, uploads a LiME image through the
 * presigned part URLs (gzip-compressed when the plan says so), then result.json. Behaviours make it
 * fail the ways a host can; every URL it used is recorded with its method, so a test can check them
 * against the permissions of their signer.
 */
public final class FakeHost implements Runnable {

  /** The RAM the host reports (two System RAM ranges). */
  public static final String RAM = "00001000-0009ffff, 00100000-007fffff";

  /** How the host behaves. */
  public enum Behaviour { NORMAL, SILENT, FAIL_AFTER_ONE_PART, WRONG_SHA }

  /** A URL the host used. */
  public record Used(String method, URI url) {}

  private final SsmClient ssm;
  private final String instanceId;
  private final String release;
  private final byte[] image;
  private final Behaviour behaviour;
  private final int index;
  private final HttpClient http = HttpClient.newHttpClient();
  public final List<Used> used = new CopyOnWriteArrayList<>();
  public final AtomicReference<Throwable> error = new AtomicReference<>();
  public volatile int partsUploaded;
  public volatile String plan;
  /**
   * The files it sends for the symbol table after the image, kind (btf, system-map, kallsyms, version)
   * → bytes, each PUT to the plan's {@code symbols KIND URL} and reported in result.json as sent, with
   * its size and SHA-256; none by default (a host of an older capture document).
   */
  public volatile Map<String, byte[]> symbols = Map.of();
  /** Changes the symbols array before result.json is sent (a host that lies about what it sent). */
  public volatile java.util.function.Consumer<ArrayNode> reportSymbols = a -> { };

  /**
   * @param image the LiME image it sends
   * @param index which command sent to the instance it answers (0: the first)
   */
  public FakeHost(SsmClient ssm, String instanceId, String release, byte[] image, Behaviour behaviour, int index) {
    this.ssm = ssm;
    this.instanceId = instanceId;
    this.release = release;
    this.image = image.clone();
    this.behaviour = behaviour;
    this.index = index;
  }

  /** A host that sends {@link #lime lime(true)} and behaves. */
  public FakeHost(SsmClient ssm, String instanceId, String release, int index) {
    this(ssm, instanceId, release, lime(true), Behaviour.NORMAL, index);
  }

  /** Starts answering in a thread. */
  public Thread start() {
    Thread t = new Thread(this, "fake-host");
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
      if (behaviour == Behaviour.SILENT) {
        return;
      }
      byte[] plan = get(URI.create(p.get(CaptureDocument.PLAN_URL)));
      this.plan = new String(plan, StandardCharsets.US_ASCII);
      if (!Sha256.digest(plan).hex().equals(p.get(CaptureDocument.PLAN_SHA256))) {
        throw new IllegalStateException("the plan does not have the SHA-256 of the command");
      }
      upload(p, this.plan);
    } catch (Throwable t) {
      error.set(t);
    }
  }

  private void upload(Map<String, String> p, String plan) throws IOException, InterruptedException {
    Map<Integer, URI> parts = new HashMap<>();
    Map<String, URI> symbolUrls = new HashMap<>();
    long partSize = 0;
    String moduleSha = null;
    URI moduleUrl = null;
    for (String line : plan.split("\n")) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "part" -> parts.put(Integer.parseInt(f[1]), URI.create(f[2]));
        case "part_size" -> partSize = Long.parseLong(f[1]);
        case "symbols" -> symbolUrls.put(f[1], URI.create(f[2]));
        case "module" -> {
          if (f[1].equals(release)) {
            moduleSha = f[2];
            moduleUrl = URI.create(f[3]);
          }
        }
        default -> { }
      }
    }
    URI resultUrl = URI.create(p.get(CaptureDocument.RESULT_URL));
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("format", "custody-lime-result/1").put("kernel_release", release).put("rmmod", "unloaded");
    ArrayNode ram = result.putArray("iomem_system_ram");
    Arrays.stream(RAM.split(",")).map(String::trim).forEach(ram::add);
    ArrayNode done = result.putArray("parts");
    if (moduleUrl == null || !Sha256.digest(get(moduleUrl)).hex().equals(moduleSha)) {
      result.put("status", "failed").put("stage", "module").put("error", "no LiME module for kernel " + release).put("bytes", 0).put("rmmod", "not-loaded");
      put(resultUrl, Json.write(result));
      return;
    }
    boolean gzip = plan.contains("\ncompress gzip\n");
    result.put("compression", gzip ? "gzip" : "none");
    byte[] sent = gzip ? gzip(image) : image;
    long total = 0;
    for (int n = 1; (long) (n - 1) * partSize < sent.length; n++) {
      int from = (int) ((n - 1) * partSize);
      byte[] part = Arrays.copyOfRange(sent, from, (int) Math.min(sent.length, from + partSize));
      done.addObject().put("number", n).put("etag", put(parts.get(n), part)).put("size", part.length);
      partsUploaded = n;
      total += part.length;
      if (behaviour == Behaviour.FAIL_AFTER_ONE_PART) {
        result.put("status", "failed").put("stage", "capture").put("error", "part 2 could not be uploaded").put("bytes", total);
        put(resultUrl, Json.write(result));
        return;
      }
    }
    ArrayNode sentSymbols = result.putArray("symbols");
    for (Map.Entry<String, byte[]> e : symbols.entrySet()) {
      URI url = symbolUrls.get(e.getKey());
      if (url != null) {
        put(url, e.getValue());
        sentSymbols.addObject().put("kind", e.getKey()).put("status", "sent").put("bytes", e.getValue().length)
            .put("sha256", Sha256.digest(e.getValue()).hex()).put("source", switch (e.getKey()) {
              case "btf" -> "/sys/kernel/btf/vmlinux";
              case "kallsyms" -> "/proc/kallsyms";
              case "version" -> "/proc/version";
              default -> "/boot/System.map-" + release;
            });
      }
    }
    reportSymbols.accept(sentSymbols);
    result.put("status", "ok").put("stage", "done").put("error", "").put("bytes", total)
        .put("sha256", behaviour == Behaviour.WRONG_SHA ? "0".repeat(64) : Sha256.digest(image).hex());
    put(resultUrl, Json.write(result));
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

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(z)) {
      g.write(b);
    }
    return z.toByteArray();
  }

  /** A LiME image of {@link #RAM} (8 MiB + 636 KiB: two parts of 5 MiB); without the second range when not whole. */
  public static byte[] lime(boolean whole) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random rnd = new Random(3);
    range(out, rnd, 0x1000, 0x9ffff);
    if (whole) {
      range(out, rnd, 0x100000, 0x7fffff);
    }
    return out.toByteArray();
  }

  private static void range(ByteArrayOutputStream out, Random rnd, long start, long end) {
    out.writeBytes(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(0x4C694D45).putInt(1).putLong(start).putLong(end).putLong(0).array());
    byte[] data = new byte[(int) (end - start + 1)];
    rnd.nextBytes(data);
    out.writeBytes(data);
  }
}
