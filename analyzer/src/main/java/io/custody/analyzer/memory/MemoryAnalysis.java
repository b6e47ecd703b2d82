package io.custody.analyzer.memory;

import io.custody.analyzer.ItemStream;
import io.custody.evidence.HostException;
import io.custody.evidence.Json;
import io.custody.evidence.Printable;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.lime.LimeLayout;
import io.custody.lime.LimeParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Offline analysis of a memory item (no AWS, evidence read only): one pass over the stored image
 * (its SHA-256 checked against the acquisition's) feeds the LiME parser and the string scanner; with
 * a YARA rules folder the raw stream is also written to a scratch file in the case's {@code scratch/}
 * folder (never sealed; removed after)
 * for {@code yara}. The report goes into the case as an analysis item; the custody log records an
 * {@code analysed} intent and outcome about the memory item.
 */
public final class MemoryAnalysis {

  /** Distinct strings of each kind kept in the report. */
  static final int TOP = 200;
  private static final int BUFFER = 1 << 20;

  private MemoryAnalysis() {}

  /** How the kernel's view is read: with the case's symbols item, a given table, or not at all. */
  public record KernelOptions(boolean enabled, String symbols, java.time.Duration pluginTimeout, java.util.function.Consumer<String> say) {
    public static final KernelOptions OFF = new KernelOptions(false, null, java.time.Duration.ofMinutes(30), m -> {});
  }

  /**
   * @param itemRef the memory item's id or source id
   * @param yaraDir YARA rules folder, or null
   */
  public static MemoryReport analyze(Case kase, String itemRef, Path yaraDir, ProgressListener progress) {
    return analyze(kase, itemRef, yaraDir, KernelOptions.OFF, progress);
  }

  /**
   * @param kernel whether and with which symbol table Volatility 3 reads the kernel's structures
   */
  public static MemoryReport analyze(Case kase, String itemRef, Path yaraDir, KernelOptions kernel, ProgressListener progress) {
    Item item = kase.item(itemRef, ItemType.MEMORY);
    List<Path> rules = yaraDir == null ? null : YaraScan.rules(yaraDir);
    SymbolTable table = kernel.enabled() ? SymbolTable.find(kase, item, kernel.symbols()) : null;
    kase.toolLog("analyze memory --item " + item.id() + (yaraDir == null ? "" : " --yara " + yaraDir.toAbsolutePath())
        + (table == null ? "" : " --symbols " + table.label()));
    CustodyEntry intent = kase.log().begin(Event.of("analysed").object(CustodyObject.item(item.id(), item.hashes().sha256()))
        .notes("memory analysis of " + item.id() + " (" + item.sourceId() + "): LiME ranges, kernel banners, strings" + (rules == null ? "" : ", YARA")
            + (table == null || table.path() == null ? "" : ", Volatility 3 with " + table.label())));
    try {
      MemoryReport report = run(kase, item, rules, table, kernel, progress);
      Item stored = kase.add(ItemSpec.of(ItemType.ANALYSIS, item.id(), "memory-analysis.json").origin("custody analyze memory " + item.id()),
          new ByteArrayInputStream(Json.write(report)), -1, ProgressListener.NONE);
      MemoryReport withItem = new MemoryReport(report.itemId(), report.sourceId(), report.sha256(), stored.id(), report.layout(), report.banners(),
          report.network(), report.processes(), report.yaraRules(), report.yara(), report.droppedStrings(), report.kernel(), report.kernelFindings());
      KernelView k = report.kernel();
      kase.log().complete(intent, Event.of("analysed").object(CustodyObject.item(item.id(), item.hashes().sha256()))
          .object(CustodyObject.item(stored.id(), stored.hashes().sha256()))
          .notes(report.banners().size() + " kernel banners, " + report.network().size() + " network and " + report.processes().size()
              + " process strings" + (rules == null ? "" : ", " + report.yara().size() + " YARA rules matched")
              + (k == null ? "" : k.ok() ? "; Volatility 3: " + k.processes().size() + " processes, " + k.sockets().size() + " sockets, "
                  + k.modules().size() + " modules, " + report.kernelFindings().size() + " findings" : "; Volatility 3 " + k.status() + ": " + k.reason())),
          Outcome.SUCCEEDED);
      return withItem;
    } catch (RuntimeException e) {
      kase.log().complete(intent, Event.of("analysed").object(CustodyObject.item(item.id(), item.hashes().sha256()))
          .notes("memory analysis failed: " + e.getMessage()), Outcome.FAILED);
      throw e;
    }
  }

  private static MemoryReport run(Case kase, Item item, List<Path> rules, SymbolTable table, KernelOptions kernel, ProgressListener progress) {
    LimeParser parser = new LimeParser();
    StringScanner strings = new StringScanner();
    Path raw = null;
    boolean volatility = table != null && table.path() != null;
    try {
      if (rules != null || volatility) {
        // outside tool/ and data/: nothing here is sealed, and the copy is removed when done
        Path scratch = Files.createDirectories(kase.dir().resolve("scratch"));
        raw = Files.createTempFile(scratch, item.id() + "-", ".lime");
      }
      try (InputStream in = new ItemStream(kase, item); OutputStream copy = raw == null ? OutputStream.nullOutputStream() : Files.newOutputStream(raw)) {
        byte[] buf = new byte[BUFFER];
        long done = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
          parser.update(buf, 0, n);
          strings.update(buf, 0, n);
          copy.write(buf, 0, n);
          done += n;
          progress.progress(done, item.size());
        }
      }
      strings.finish();
      LimeLayout layout = parser.finish();
      List<MemoryReport.YaraMatch> yara = null;
      if (rules != null) {
        yara = yara(YaraScan.scan(rules, raw, raw.getParent()), layout);
      }
      KernelView view = null;
      List<MemoryReport.Finding> kernelFindings = List.of();
      if (table != null) {
        view = volatility ? readKernel(kase, raw, table, kernel) : KernelView.skipped(table.itemId(), table.missing());
        kernelFindings = KernelFindings.of(view, io.custody.analyzer.disk.CaseAddresses.of(kase));
      }
      return new MemoryReport(item.id(), item.sourceId(), item.hashes().sha256(), null, layout, found(strings.banners, layout),
          found(strings.network, layout), found(strings.processes, layout), rules == null ? null : rules.stream().map(p -> p.getFileName().toString()).toList(),
          yara, strings.banners.dropped + strings.network.dropped + strings.processes.dropped, view, kernelFindings);
    } catch (IOException e) {
      throw new HostException("Failed to analyse memory item '" + item.id() + "': " + e.getMessage(), e);
    } finally {
      removeScratch(raw);
    }
  }

  /**
   * Volatility's look at a fresh capture: finds the kernel with the capture's symbol table and walks
   * the process list (nothing recorded in the case; the caller records the result with the capture).
   *
   * @param status ok, failed (the image is unusable to Volatility) or skipped (no table, no Volatility)
   */
  public record Check(String status, Integer processes, String reason, double seconds) {}

  public static Check check(Case kase, String memoryItem, String symbolsItem, java.time.Duration timeout) {
    long t0 = System.nanoTime();
    Item item = kase.item(memoryItem, ItemType.MEMORY);
    String version = Volatility.version();
    if (version == null) {
      return new Check("skipped", null, "Volatility 3 is not installed", 0);
    }
    Path raw = null;
    try (SymbolTable table = SymbolTable.find(kase, item, symbolsItem)) {
      if (table.path() == null) {
        return new Check("skipped", null, table.missing(), 0);
      }
      Path scratch = Files.createDirectories(kase.dir().resolve("scratch"));
      raw = Files.createTempFile(scratch, item.id() + "-check-", ".lime");
      try (InputStream in = new ItemStream(kase, item)) {
        Files.copy(in, raw, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      try (Volatility vol = new Volatility(raw, table.path(), scratch, timeout, table.itemId() != null)) {
        Volatility.Result r = vol.run("linux.pslist.PsList");
        double s = (System.nanoTime() - t0) / 1e9;
        if (!r.ok()) {
          return new Check("failed", null, r.error(), s);
        }
        if (r.rows().isEmpty()) {
          return new Check("failed", 0, "the process list is empty", s);
        }
        return new Check("ok", r.rows().size(), null, s);
      }
    } catch (IOException e) {
      throw new HostException("Failed to check memory item '" + item.id() + "' with Volatility: " + e.getMessage(), e);
    } finally {
      removeScratch(raw);
    }
  }

  /** Removes a file of the case's scratch folder (never sealed); says so when it cannot. */
  static void removeScratch(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      System.err.println("custody: warning: could not remove the scratch file " + file + ": " + e.getMessage());
    }
  }

  private static KernelView readKernel(Case kase, Path raw, SymbolTable table, KernelOptions kernel) throws IOException {
    String version = Volatility.version();
    if (version == null) {
      return KernelView.skipped(table.itemId(), "Volatility 3 is not installed (" + Volatility.ENV + " or vol on the PATH; scripts/setup installs it)");
    }
    kernel.say().accept("volatility: " + version + " on " + raw.getFileName() + " with " + table.label());
    try (table; Volatility vol = new Volatility(raw, table.path(), raw.getParent(), kernel.pluginTimeout(), table.itemId() != null)) {
      return KernelView.read(vol, table.itemId() != null ? table.itemId() : table.label(), version, KernelFindings::suspicious, kernel.say());
    }
  }

  private static List<MemoryReport.Found> found(StringScanner.Kind kind, LimeLayout layout) {
    List<MemoryReport.Found> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : kind.top(TOP)) {
      // a URL's query string (a presigned signature, e.g. the capture's own) is not written down
      out.add(new MemoryReport.Found(io.custody.evidence.Secrets.redactUrls(Printable.of(e.getKey())), e.getValue()[0], e.getValue()[1],
          phys(layout, e.getValue()[1])));
    }
    return out;
  }

  private static List<MemoryReport.YaraMatch> yara(List<YaraScan.Hit> hits, LimeLayout layout) {
    Map<String, List<MemoryReport.YaraString>> byRule = new LinkedHashMap<>();
    for (YaraScan.Hit h : hits) {
      List<MemoryReport.YaraString> list = byRule.computeIfAbsent(h.rule(), r -> new ArrayList<>());
      if (h.string() != null && list.size() < TOP) {
        list.add(new MemoryReport.YaraString(h.string(), h.fileOffset(), phys(layout, h.fileOffset()), Printable.of(h.data())));
      }
    }
    List<MemoryReport.YaraMatch> out = new ArrayList<>();
    byRule.forEach((r, s) -> out.add(new MemoryReport.YaraMatch(r, s)));
    return out;
  }

  private static String phys(LimeLayout layout, long fileOffset) {
    OptionalLong p = layout.physicalAddress(fileOffset);
    return p.isPresent() ? "0x" + Long.toHexString(p.getAsLong()) : null;
  }
}
