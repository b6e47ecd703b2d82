package io.custody.lime.symbols;

import io.custody.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A kernel's symbol map ({@code System.map}, or {@code /proc/kallsyms} in the same form): lines of
 * {@code ADDRESS TYPE NAME [MODULE]}, read as hostile input, bounded.
 *
 * <p>Debian's linux-image packages ship a placeholder, one line: {@code ffffffffffffffff B The real
 * System.map is in the linux-image-<version>-dbg package}. It is not a map: {@link #real()} is true
 * only for a file that places the kernel's text ({@code _text} or {@code _stext}, e.g. {@code
 * ffffffff81000000 T _text}).
 */
public final class SystemMap {

  /** The largest map read (a distribution kernel's System.map is 5–10 MiB, kallsyms with modules ~15). */
  public static final int MAX_SIZE = 128 << 20;
  /** The most symbols kept. */
  static final int MAX_SYMBOLS = 4_000_000;

  private final Map<String, Long> symbols;
  private final boolean real;
  private final boolean placeholder;

  private SystemMap(Map<String, Long> symbols, boolean real, boolean placeholder) {
    this.symbols = symbols;
    this.real = real;
    this.placeholder = placeholder;
  }

  /** Name → address, the first line of each name (static symbols of one name repeat). */
  public Map<String, Long> symbols() {
    return symbols;
  }

  /** Whether this is a real map: it places {@code _text} or {@code _stext}. */
  public boolean real() {
    return real;
  }

  /** Whether this is the placeholder Debian ships in its linux-image packages instead. */
  public boolean placeholder() {
    return placeholder;
  }

  /**
   * @param name the file's name, for messages
   * @throws InvalidInputException when the file is too large or a line is not {@code ADDRESS TYPE NAME}
   */
  public static SystemMap parse(byte[] data, String name) {
    if (data.length > MAX_SIZE) {
      throw new InvalidInputException("Failed to read symbol map '" + name + "': " + data.length + " bytes (at most " + MAX_SIZE + " read)");
    }
    String text = new String(data, StandardCharsets.ISO_8859_1); // one char a byte: offsets are byte offsets
    if (text.contains("The real System.map is in the ")) {
      return new SystemMap(Map.of(), false, true);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    boolean text0 = false;
    int at = 0;
    int lineNo = 0;
    while (at < text.length()) {
      int nl = text.indexOf('\n', at);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(at, end);
      int start = at;
      at = end + 1;
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.strip().split("[ \t]+");
      if (f.length < 3 || f.length > 4 || f[0].isEmpty() || f[0].length() > 16 || f[1].length() != 1 || f[2].length() > 512
          || f.length == 4 && !(f[3].startsWith("[") && f[3].endsWith("]"))) {
        throw bad(name, start, lineNo, "not ADDRESS TYPE NAME [MODULE]");
      }
      long address;
      try {
        address = Long.parseUnsignedLong(f[0], 16);
      } catch (NumberFormatException e) {
        throw bad(name, start, lineNo, "the address '" + f[0] + "' is not hexadecimal");
      }
      if (out.size() >= MAX_SYMBOLS) {
        throw bad(name, start, lineNo, "more than " + MAX_SYMBOLS + " symbols");
      }
      out.putIfAbsent(f[2], address);
      if ((f[2].equals("_text") || f[2].equals("_stext")) && address != 0 && address != -1L) {
        text0 = true;
      }
    }
    return new SystemMap(Collections.unmodifiableMap(out), text0, false);
  }

  private static InvalidInputException bad(String name, int offset, int line, String what) {
    return new InvalidInputException("Failed to read symbol map '" + name + "' at byte " + offset + " (line " + line + "): " + what);
  }
}
