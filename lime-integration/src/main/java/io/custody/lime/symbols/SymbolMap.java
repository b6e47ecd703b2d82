package io.custody.lime.symbols;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A kernel's symbol map: {@code System.map} (link-time addresses) or {@code /proc/kallsyms} (the
 * addresses of one boot, moved by KASLR). Lines are {@code ADDRESS TYPE NAME [MODULE]}; module
 * symbols (the fourth column) are left out, as is a second symbol of a name already seen (static
 * functions of the same name in several files: the first one, as System.map sorts them).
 *
 * <p>Kallsyms addresses are moved back by the boot's KASLR offset, {@code _text − 0xffffffff81000000}
 * (x86-64's link address of the kernel text with the default CONFIG_PHYSICAL_START), so the table is
 * the same for every boot of that kernel build and Volatility finds the boot's own offset in the image
 * as it does with System.map. Per-CPU symbols (small offsets, not moved by KASLR) are kept as they are.
 * Were the kernel linked elsewhere, every address would still be off by one constant, which is what
 * Volatility's KASLR search measures, so the table stays usable; the offset is reported either way.
 *
 * <p>Hostile input: at most {@link #MAX_BYTES} and {@link #MAX_SYMBOLS}; a malformed line is an error
 * naming the line, not skipped.
 */
public record SymbolMap(String kind, Map<String, Long> symbols, long kaslrOffset, boolean addressesHidden, int moduleSymbols) {

  public static final int MAX_BYTES = 128 << 20;
  public static final int MAX_SYMBOLS = 2_000_000;
  /** x86-64: __START_KERNEL_map + CONFIG_PHYSICAL_START (0x1000000), where _text is linked. */
  public static final long LINK_TEXT = 0xffffffff81000000L;
  private static final long KERNEL_MAP = 0xffffffff80000000L;

  /** What a kallsyms or System.map file is called in symbols sources. */
  public static final String KALLSYMS = "kallsyms";
  public static final String SYSTEM_MAP = "system-map";

  /**
   * @param kind {@link #KALLSYMS} or {@link #SYSTEM_MAP}
   * @param name the file's name, for messages
   * @throws InvalidInputException when a line is malformed, or the map is too large or holds no _text (an empty
   *     file, or one of module symbols only, included)
   */
  public static SymbolMap parse(byte[] data, String kind, String name) {
    if (!KALLSYMS.equals(kind) && !SYSTEM_MAP.equals(kind)) {
      throw new IllegalArgumentException("symbol map kind " + kind);
    }
    if (data.length > MAX_BYTES) {
      throw new InvalidInputException("Failed to read symbol map '" + name + "': " + data.length + " bytes (at most " + MAX_BYTES + ")");
    }
    Map<String, Long> raw = new LinkedHashMap<>();
    int modules = 0;
    boolean nonZero = false;
    int line = 0;
    int at = 0;
    while (at < data.length) {
      int end = at;
      while (end < data.length && data[end] != '\n') {
        end++;
      }
      line++;
      String text = new String(data, at, end - at, StandardCharsets.ISO_8859_1);
      at = end + 1;
      if (text.isBlank()) {
        continue;
      }
      String[] f = text.strip().split("[ \t]+");
      if (f.length < 3 || f.length > 4 || f[0].length() > 16 || f[1].length() != 1 || f[2].length() > 512) {
        throw new InvalidInputException("Failed to read symbol map '" + name + "' at line " + line + ": '"
            + Printable.of(text.length() > 120 ? text.substring(0, 120) + "…" : text) + "' is not ADDRESS TYPE NAME [MODULE]");
      }
      long address;
      try {
        address = Long.parseUnsignedLong(f[0], 16);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("Failed to read symbol map '" + name + "' at line " + line + ": address '" + Printable.of(f[0]) + "' is not hexadecimal");
      }
      if (f.length == 4) {
        modules++;
        continue;
      }
      nonZero |= address != 0;
      if (raw.size() >= MAX_SYMBOLS) {
        throw new InvalidInputException("Failed to read symbol map '" + name + "' at line " + line + ": more than " + MAX_SYMBOLS + " symbols");
      }
      raw.putIfAbsent(f[2], address);
    }
    if (!nonZero && !raw.isEmpty()) {
      // kptr_restrict=2, or a reader without CAP_SYSLOG: every address reads as zero
      return new SymbolMap(kind, Map.of(), 0, true, modules);
    }
    Long text = raw.get("_text");
    if (text == null) {
      throw new InvalidInputException("Failed to read symbol map '" + name + "': it has no _text symbol (not a kernel's symbol map)");
    }
    long offset = KALLSYMS.equals(kind) ? text - LINK_TEXT : 0;
    Map<String, Long> out = new LinkedHashMap<>();
    raw.forEach((n, a) -> out.put(n, offset != 0 && Long.compareUnsigned(a, KERNEL_MAP) >= 0 ? a - offset : a));
    return new SymbolMap(kind, out, offset, false, modules);
  }
}
