package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway;
import io.custody.evidence.CustodyException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.Sha256;
import io.custody.evidence.ToolVersion;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.PendingItem;
import io.custody.lime.capture.HostResult;
import io.custody.lime.symbols.Btf;
import io.custody.lime.symbols.Isf;
import io.custody.lime.symbols.SymbolMap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code symbols} item of a memory capture: the files the host sent after the capture (its
 * kernel's BTF, System.map or /proc/kallsyms, /proc/version), each checked against the size and
 * SHA-256 the host measured, kept as they arrived, and the Volatility 3 symbol table ({@code
 * vmlinux-isf.json}) made from them, so the image can be analysed offline years later without the
 * host, a debug package or the network.
 *
 * <p>Never fails the capture: what could not be fetched or made is said in the item's notes and in
 * the capture's, and analysis then says it has no symbols.
 */
final class SymbolsStore {

  /** The ISF's name in the item (Volatility reads {@code *.json} files under a symbols folder's linux/). */
  static final String ISF = "vmlinux-isf.json";
  private static final Map<String, Integer> LIMITS = Map.of("btf", Btf.MAX_SIZE, "system-map", SymbolMap.MAX_BYTES,
      "kallsyms", SymbolMap.MAX_BYTES, "version", 4096);

  private final Case kase;
  private final S3Gateway s3;
  private final String bucket;
  private final Consumer<String> say;

  SymbolsStore(Case kase, S3Gateway s3, String bucket, Consumer<String> say) {
    this.kase = kase;
    this.s3 = s3;
    this.bucket = bucket;
    this.say = say;
  }

  /** What was stored: the item (null when nothing came) and the notes for the capture. */
  record Stored(Item item, boolean usable, List<String> notes) {}

  /** @param keyOf the S3 key of each kind of file, as the plan presigned them */
  Stored store(String instance, String memoryItem, HostResult host, java.util.function.Function<String, String> keyOf) {
    List<String> notes = new ArrayList<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, Map<String, String>> sources = new LinkedHashMap<>();
    for (HostResult.SentFile f : host.symbols()) {
      String kind = String.valueOf(f.kind());
      if (!LIMITS.containsKey(kind)) {
        notes.add("the host reports an unexpected symbols file '" + Printable.of(kind) + "'; ignored");
        continue;
      }
      if (files.containsKey(kind)) {
        notes.add("the host reports " + kind + " twice; the first kept, the second ignored");
        continue;
      }
      if (!f.sent()) {
        notes.add(kind + " not sent by the host (" + Printable.of(String.valueOf(f.status())) + ": " + Printable.of(String.valueOf(f.source())) + ")");
        continue;
      }
      try {
        byte[] bytes = fetch(keyOf.apply(kind), LIMITS.get(kind));
        Sha256 sha = Sha256.digest(bytes);
        if (bytes.length != f.bytes() || !sha.hex().equalsIgnoreCase(String.valueOf(f.sha256()))) {
          notes.add(kind + " in S3 (" + bytes.length + " bytes, sha256 " + sha + ") is not what the host sent (" + f.bytes() + " bytes, sha256 "
              + Printable.of(String.valueOf(f.sha256())) + "); not used");
          continue;
        }
        files.put(kind, bytes);
        Map<String, String> src = new LinkedHashMap<>();
        src.put("name", Printable.of(String.valueOf(f.source())));
        src.put("sha256", sha.hex());
        sources.put(kind, src);
      } catch (CustodyException | IOException e) {
        notes.add(kind + " could not be fetched: " + e.getMessage());
      }
    }
    if (files.isEmpty()) {
      if (host.symbols().isEmpty()) {
        notes.add("the host sent no symbols (an older capture document?): Volatility needs an ISF for kernel "
            + Printable.of(String.valueOf(host.kernelRelease())));
      }
      return new Stored(null, false, notes);
    }
    byte[] isf = null;
    String banner = files.containsKey("version") ? new String(files.get("version"), StandardCharsets.UTF_8).strip() : null;
    String mapKind = files.containsKey("system-map") ? SymbolMap.SYSTEM_MAP : files.containsKey("kallsyms") ? SymbolMap.KALLSYMS : null;
    try {
      if (!files.containsKey("btf")) {
        notes.add("no BTF (a kernel built without CONFIG_DEBUG_INFO_BTF): no symbol table made; make one with dwarf2json from the debug vmlinux");
      } else if (mapKind == null) {
        notes.add("no symbol map: no symbol table made");
      } else if (banner == null || !banner.startsWith("Linux version ")) {
        notes.add("no kernel banner (/proc/version): no symbol table made (Volatility matches a table to an image by it)");
      } else {
        long t0 = System.nanoTime();
        Btf btf = Btf.parse(files.get("btf"), "btf");
        SymbolMap map = SymbolMap.parse(files.get(mapKind), mapKind, mapKind);
        if (map.addressesHidden()) {
          notes.add("the host's " + mapKind + " shows every address as 0 (kernel.kptr_restrict=2?): no symbol table made");
        } else {
          isf = Json.write(Isf.of(btf, map.symbols(), banner, orderedSources(sources), ToolVersion.version()));
          notes.add("symbol table made from BTF (" + btf.count() + " types) and " + mapKind + " (" + map.symbols().size() + " symbols"
              + (map.kaslrOffset() != 0 ? ", KASLR offset 0x" + Long.toHexString(map.kaslrOffset()) + " taken out" : "") + ") in "
              + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
      }
    } catch (InvalidInputException e) {
      notes.add("no symbol table made: " + e.getMessage());
    }
    ItemSpec spec = ItemSpec.of(ItemType.SYMBOLS, instance, isf != null ? ISF : "symbols-sent.json")
        .origin("s3://" + bucket + "/" + keyOf.apply("btf").replaceAll("/btf$", "/"))
        .notes("kernel symbols of " + Printable.of(String.valueOf(host.kernelRelease())) + " sent by the host with memory item " + memoryItem);
    try (PendingItem pending = kase.begin(spec)) {
      byte[] main = isf != null ? isf : Json.write(sources);
      pending.write(new ByteArrayInputStream(main), main.length, ProgressListener.NONE);
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        pending.addFile(e.getKey().equals("version") ? "proc-version" : e.getKey(), e.getValue());
      }
      Item item = pending.commit(isf != null ? Outcome.SUCCEEDED : Outcome.PARTIAL, String.join("; ", notes));
      say.accept("symbols: " + item.id() + (isf != null ? " (Volatility symbol table made)" : " (no symbol table: " + String.join("; ", notes) + ")"));
      return new Stored(item, isf != null, notes);
    } catch (IOException e) {
      notes.add("the symbols could not be stored: " + e.getMessage());
      return new Stored(null, false, notes);
    }
  }

  private static Map<String, Map<String, String>> orderedSources(Map<String, Map<String, String>> sources) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    sources.forEach((k, v) -> {
      if (!k.equals("version")) {
        out.put(k, v);
      }
    });
    return out;
  }

  private byte[] fetch(String key, int limit) throws IOException {
    try (InputStream in = s3.getObject(bucket, key).body()) {
      byte[] b = in.readNBytes(limit + 1);
      if (b.length > limit) {
        throw new InvalidInputException("s3://" + bucket + "/" + key + " is larger than " + limit + " bytes");
      }
      return b;
    }
  }
}
