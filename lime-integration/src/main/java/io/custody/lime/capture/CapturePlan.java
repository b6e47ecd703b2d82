package io.custody.lime.capture;

import io.custody.evidence.Sha256;
import io.custody.lime.KernelRelease;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The capture plan the host fetches through a presigned GET: a small text file that the host
 * script reads with awk. It holds presigned URLs, so it is never logged or printed; the custody log
 * records its SHA-256, which the host checks too.
 *
 * <pre>
 * custody-lime-plan 1
 * port 45123
 * part_size 16777216
 * parts 80
 * compress none
 * method auto                        (auto, lime or avml; a plan without it means lime)
 * module 6.1.0-26-amd64 &lt;sha256&gt; &lt;url&gt;
 * lime_source &lt;sha256&gt; &lt;url&gt;     (only with --allow-build-on-host)
 * avml &lt;sha256&gt; &lt;url&gt;            (when the library has AVML: the userland fallback)
 * symbols btf &lt;url&gt;                  (presigned PUTs: what Volatility needs, sent after the capture)
 * symbols system-map &lt;url&gt;
 * symbols kallsyms &lt;url&gt;
 * symbols version &lt;url&gt;
 * part 1 &lt;url&gt;
 * …
 * </pre>
 */
public final class CapturePlan {

  /** S3 allows 10,000 parts; some are kept free for an instance with more RAM than its type says. */
  public static final int MAX_PARTS = 9_000;

  private final byte[] bytes;
  private final int parts;

  private CapturePlan(byte[] bytes, int parts) {
    this.bytes = bytes;
    this.parts = parts;
  }

  /** A published module and the presigned GET of it. */
  public record Module(KernelRelease release, Sha256 sha256, URI url) {}

  /** The LiME source archive a host may compile when it has no module (only with --allow-build-on-host). */
  public record Source(Sha256 sha256, URI url) {}

  /** The AVML binary in the library and the presigned GET of it. */
  public record Avml(Sha256 sha256, URI url) {}

  /** The files the host sends for Volatility's symbol table, each to its presigned PUT. */
  public static final List<String> SYMBOL_FILES = List.of("btf", "system-map", "kallsyms", "version");

  static CapturePlan of(int port, long partSize, int parts, List<Module> modules, IntFunction<URI> partUrl) {
    return of(port, partSize, parts, Transport.NONE, modules, null, java.util.Map.of(), partUrl);
  }

  /** @param symbolUrls presigned PUT per entry of {@link #SYMBOL_FILES} (none: the host sends no symbols) */
  public static CapturePlan of(int port, long partSize, int parts, Transport transport, List<Module> modules, Source source,
      java.util.Map<String, URI> symbolUrls, IntFunction<URI> partUrl) {
    return of(port, partSize, parts, transport, null, modules, source, null, symbolUrls, partUrl);
  }

  /**
   * @param method what the host uses to read memory (null: no method line, which the host reads as lime)
   * @param avml the AVML binary, or null when the library has none
   * @param symbolUrls presigned PUT per entry of {@link #SYMBOL_FILES} (none: the host sends no symbols)
   */
  public static CapturePlan of(int port, long partSize, int parts, Transport transport, CaptureMethod method, List<Module> modules,
      Source source, Avml avml, java.util.Map<String, URI> symbolUrls, IntFunction<URI> partUrl) {
    StringBuilder sb = new StringBuilder("custody-lime-plan 1\n");
    sb.append("port ").append(port).append('\n');
    sb.append("part_size ").append(partSize).append('\n');
    sb.append("parts ").append(parts).append('\n');
    sb.append("compress ").append(transport.label()).append('\n');
    if (method != null) {
      sb.append("method ").append(method.label()).append('\n');
    }
    for (Module m : modules) {
      sb.append("module ").append(m.release()).append(' ').append(m.sha256().hex()).append(' ').append(m.url()).append('\n');
    }
    if (source != null) {
      sb.append("lime_source ").append(source.sha256().hex()).append(' ').append(source.url()).append('\n');
    }
    if (avml != null) {
      sb.append("avml ").append(avml.sha256().hex()).append(' ').append(avml.url()).append('\n');
    }
    for (String kind : SYMBOL_FILES) {
      URI u = symbolUrls.get(kind);
      if (u != null) {
        sb.append("symbols ").append(kind).append(' ').append(u).append('\n');
      }
    }
    for (int i = 1; i <= parts; i++) {
      sb.append("part ").append(i).append(' ').append(partUrl.apply(i)).append('\n');
    }
    return new CapturePlan(sb.toString().getBytes(StandardCharsets.US_ASCII), parts);
  }

  /**
   * The part size for {@code ramBytes}: at least {@code wanted}, grown to whole MiB so the capture
   * fits in {@link #MAX_PARTS} parts.
   */
  public static long partSize(long ramBytes, long wanted) {
    long need = (expectedBytes(ramBytes) + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1L << 20;
    return Math.max(wanted, (need + mib - 1) / mib * mib);
  }

  /** Parts to presign: the instance type's RAM plus 10 % and 64 MiB of headroom (LiME headers, RAM the type understates). */
  public static int parts(long ramBytes, long partSize) {
    long n = (expectedBytes(ramBytes) + partSize - 1) / partSize;
    return (int) Math.min(Math.max(n, 1), 10_000);
  }

  private static long expectedBytes(long ramBytes) {
    return ramBytes + ramBytes / 10 + (64L << 20);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int parts() {
    return parts;
  }

  public Sha256 sha256() {
    return Sha256.digest(bytes);
  }
}
