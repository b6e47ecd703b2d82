package io.custody.analyzer.memory;

import io.custody.analyzer.ItemStream;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The Volatility symbol table for a memory item: the {@code symbols} item the same capture stored (the
 * one whose notes name the memory item, else the newest of the same instance), or one the analyst
 * gives ({@code --symbols}: an item id, or an ISF file made elsewhere, e.g. by dwarf2json from a debug
 * kernel). The item's table is read into the case's scratch folder (never sealed) and removed after.
 *
 * @param path the table's file, or null when there is none ({@code missing} says why)
 */
record SymbolTable(String label, String itemId, Path path, boolean temporary, String missing) implements AutoCloseable {

  static SymbolTable find(Case kase, Item memory, String given) {
    if (given != null) {
      Path file = Path.of(given);
      if (Files.isRegularFile(file)) {
        return new SymbolTable(file.toAbsolutePath().toString(), null, file, false, null);
      }
      return fromItem(kase, kase.item(given, ItemType.SYMBOLS));
    }
    List<Item> symbols = kase.items().stream().filter(i -> i.type() == ItemType.SYMBOLS && memory.sourceId().equals(i.sourceId())).toList();
    Item best = symbols.stream().filter(i -> i.notes() != null && i.notes().contains("memory item " + memory.id())).findFirst()
        .orElse(symbols.stream().max(Comparator.comparing(Item::acquiredUtc)).orElse(null));
    if (best == null) {
      return new SymbolTable("none", null, null, false, "the case holds no symbols for " + memory.sourceId()
          + " (captured before Custody sent them, or the host sent none); give a table with --symbols FILE (e.g. dwarf2json's)");
    }
    return fromItem(kase, best);
  }

  private static SymbolTable fromItem(Case kase, Item item) {
    if (!item.name().endsWith(".json") || item.name().equals("symbols-sent.json")) {
      return new SymbolTable(item.id(), item.id(), null, false, "symbols item " + item.id() + " holds no symbol table: " + item.notes());
    }
    try {
      Path scratch = Files.createDirectories(kase.dir().resolve("scratch"));
      Path tmp = Files.createTempFile(scratch, item.id() + "-", ".json");
      try (InputStream in = new ItemStream(kase, item)) {
        Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return new SymbolTable("symbols item " + item.id(), item.id(), tmp, true, null);
    } catch (IOException e) {
      throw new HostException("Failed to read symbols item '" + item.id() + "': " + e.getMessage(), e);
    } catch (InvalidInputException e) {
      throw e;
    }
  }

  @Override
  public void close() {
    if (temporary) {
      MemoryAnalysis.removeScratch(path);
    }
  }
}
