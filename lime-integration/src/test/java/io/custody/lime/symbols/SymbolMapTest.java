package io.custody.lime.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The symbol map reader on 40 lines of a real /proc/kallsyms (a 6.18 kernel booted with KASLR: _text at
 * 0xffffffff8a000000; per-CPU symbols at small offsets; static functions of one name several times;
 * two modules' symbols, tab-separated, at the end), read as kallsyms and as System.map, and on
 * hostile variations of it.
 */
class SymbolMapTest {

  /** Where the sample's boot put _text: 0x9000000 above the link address. */
  static final long TEXT = 0xffffffff8a000000L;
  static final long OFFSET = TEXT - SymbolMap.LINK_TEXT;

  static byte[] sample() throws IOException {
    try (InputStream in = SymbolMapTest.class.getResourceAsStream("kallsyms-sample")) {
      return in.readAllBytes();
    }
  }

  static String sampleText() throws IOException {
    return new String(sample(), StandardCharsets.US_ASCII);
  }

  static SymbolMap kallsyms(String text) {
    return SymbolMap.parse(text.getBytes(StandardCharsets.US_ASCII), SymbolMap.KALLSYMS, "kallsyms-test");
  }

  @Test
  void parse_kallsyms_kernelAddressesMovedBackByTheKaslrOffset() throws IOException {
    SymbolMap m = SymbolMap.parse(sample(), SymbolMap.KALLSYMS, "kallsyms");
    assertThat(OFFSET).isEqualTo(0x9000000L);
    assertThat(m.kaslrOffset()).isEqualTo(OFFSET);
    assertThat(m.addressesHidden()).isFalse();
    assertThat(m.symbols()).containsEntry("_text", SymbolMap.LINK_TEXT).containsEntry("_stext", SymbolMap.LINK_TEXT)
        .containsEntry("init_task", 0xffffffff82a1aa40L).containsEntry("linux_banner", 0xffffffff82161900L)
        .containsEntry("tk_core", 0xffffffff83fd4780L).containsEntry("taint_flags", 0xffffffff8200fd20L);
  }

  @Test
  void parse_kallsyms_perCpuSymbolsBelowTheKernelMapKeptAsTheyAre() throws IOException {
    SymbolMap m = SymbolMap.parse(sample(), SymbolMap.KALLSYMS, "kallsyms");
    assertThat(m.symbols()).containsEntry("fixed_percpu_data", 0L).containsEntry("current_task", 0x1fb80L).containsEntry("runqueues", 0x31c40L)
        .containsEntry("__per_cpu_end", 0x35000L);
    // every symbol either kept (per-CPU, below 0xffffffff80000000) or moved by exactly the offset
    long moved = m.symbols().values().stream().filter(a -> Long.compareUnsigned(a, 0xffffffff80000000L) >= 0).count();
    long kept = m.symbols().values().stream().filter(a -> Long.compareUnsigned(a, 0x100000L) < 0).count();
    assertThat(moved + kept).isEqualTo(m.symbols().size());
    assertThat(kept).isEqualTo(10);
  }

  @Test
  void parse_systemMap_sameLines_addressesAsWrittenNoOffset() throws IOException {
    SymbolMap m = SymbolMap.parse(sample(), SymbolMap.SYSTEM_MAP, "System.map-6.18");
    assertThat(m.kind()).isEqualTo(SymbolMap.SYSTEM_MAP);
    assertThat(m.kaslrOffset()).isZero();
    assertThat(m.symbols()).containsEntry("_text", TEXT).containsEntry("init_task", 0xffffffff8ba1aa40L).containsEntry("current_task", 0x1fb80L);
  }

  @Test
  void parse_kallsymsOfABootWithoutKaslr_nothingMoved() throws IOException {
    String nokaslr = sampleText().lines().map(l -> l.startsWith("ffffffff8") ? Long.toHexString(Long.parseUnsignedLong(l.substring(0, 16), 16) - OFFSET)
        + l.substring(16) : l).collect(Collectors.joining("\n"));
    SymbolMap m = kallsyms(nokaslr);
    assertThat(m.kaslrOffset()).isZero();
    assertThat(m.symbols()).containsEntry("_text", SymbolMap.LINK_TEXT).containsEntry("init_task", 0xffffffff82a1aa40L);
  }

  @Test
  void parse_moduleLines_skippedAndCounted() throws IOException {
    SymbolMap m = SymbolMap.parse(sample(), SymbolMap.KALLSYMS, "kallsyms");
    assertThat(m.moduleSymbols()).isEqualTo(6);
    assertThat(m.symbols()).doesNotContainKeys("_note_10", "_note_9", "nft_masq_ipv6_type", "nft_masq_inet_type", "__this_module", "cleanup_module");
    assertThat(m.symbols()).hasSize(40 - 6 - 2); // two repeats of event_show
    // a module's symbol of a kernel symbol's name does not replace it, even when it comes first
    SymbolMap shadowed = kallsyms("ffffffffc0000000 D init_task\t[rootkit]\n" + sampleText());
    assertThat(shadowed.symbols()).containsEntry("init_task", 0xffffffff82a1aa40L);
    assertThat(shadowed.moduleSymbols()).isEqualTo(7);
  }

  @Test
  void parse_repeatedName_keepsTheFirst() throws IOException {
    assertThat(sampleText()).contains("ffffffff8a00cb20 t event_show", "ffffffff8a010db0 t event_show", "ffffffff8a011cd0 t event_show");
    assertThat(SymbolMap.parse(sample(), SymbolMap.SYSTEM_MAP, "System.map").symbols()).containsEntry("event_show", 0xffffffff8a00cb20L);
    assertThat(SymbolMap.parse(sample(), SymbolMap.KALLSYMS, "kallsyms").symbols()).containsEntry("event_show", 0xffffffff8a00cb20L - OFFSET);
  }

  @Test
  void parse_everyAddressZero_addressesHiddenAndNoSymbols() throws IOException {
    // what an unprivileged reader, or kernel.kptr_restrict=2, sees: the same lines, every address 0
    String hidden = sampleText().lines().map(l -> "0000000000000000" + l.substring(16)).collect(Collectors.joining("\n", "", "\n"));
    SymbolMap m = kallsyms(hidden);
    assertThat(m.addressesHidden()).isTrue();
    assertThat(m.symbols()).isEmpty();
    assertThat(m.kaslrOffset()).isZero();
    assertThat(m.moduleSymbols()).isEqualTo(6);
  }

  @Test
  void parse_noText_refusedNamingTheFile() throws IOException {
    String noText = sampleText().lines().filter(l -> !l.endsWith(" _text")).collect(Collectors.joining("\n"));
    assertThatThrownBy(() -> kallsyms(noText)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'kallsyms-test'").hasMessageContaining("no _text symbol");
    assertThatThrownBy(() -> SymbolMap.parse(noText.getBytes(StandardCharsets.US_ASCII), SymbolMap.SYSTEM_MAP, "System.map-x"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'System.map-x'").hasMessageContaining("_text");
  }

  @Test
  void parse_nothingButModulesOrNothingAtAll_refusedAsNoKernelMap() throws IOException {
    // not a kernel's map: no table can be made from it, and it must not pass for an empty one
    String modulesOnly = sampleText().lines().filter(l -> l.contains("\t[")).collect(Collectors.joining("\n"));
    assertThatThrownBy(() -> kallsyms(modulesOnly)).isInstanceOf(InvalidInputException.class).hasMessageContaining("no _text");
    assertThatThrownBy(() -> kallsyms("")).isInstanceOf(InvalidInputException.class).hasMessageContaining("no _text");
    assertThatThrownBy(() -> kallsyms("\n\n  \n")).isInstanceOf(InvalidInputException.class).hasMessageContaining("no _text");
  }

  @Test
  void parse_malformedLine_refusedNamingTheLine() throws IOException {
    String[] lines = sampleText().split("\n");
    // line 13 (after a blank line 12, which counts): two fields
    String bad = String.join("\n", java.util.Arrays.copyOf(lines, 11)) + "\n\nffffffff8a000070 T\n";
    assertThatThrownBy(() -> kallsyms(bad)).isInstanceOf(InvalidInputException.class).hasMessageContaining("'kallsyms-test' at line 13")
        .hasMessageContaining("not ADDRESS TYPE NAME [MODULE]");
    assertThatThrownBy(() -> kallsyms(lines[10] + "\nffffffff8g000070 T secondary_startup_64\n")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at line 2").hasMessageContaining("not hexadecimal");
    assertThatThrownBy(() -> kallsyms(lines[10] + "\n" + lines[11] + "\nffffffff8a000070 T a b [m]\n")).hasMessageContaining("at line 3");
    assertThatThrownBy(() -> kallsyms(lines[10] + "\nffffffff8a000070 TT secondary_startup_64\n")).hasMessageContaining("at line 2");
    // 17 hex digits: more than an address holds
    assertThatThrownBy(() -> kallsyms(lines[10] + "\n1ffffffff8a000070 T secondary_startup_64\n")).hasMessageContaining("at line 2");
    // the quoted line is cut and its control characters escaped
    assertThatThrownBy(() -> kallsyms("\u001b[2J" + "x".repeat(300))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at line 1").hasMessageContaining("\\u001b").hasMessageNotContaining("x".repeat(200));
  }

  @Test
  void parse_crlfAndSpacesForTabs_readAlike() throws IOException {
    String crlf = sampleText().replace("\t", " ").replace("\n", "\r\n");
    SymbolMap m = kallsyms(crlf);
    assertThat(m.symbols()).isEqualTo(SymbolMap.parse(sample(), SymbolMap.KALLSYMS, "kallsyms").symbols());
    assertThat(m.moduleSymbols()).isEqualTo(6);
  }

  @Test
  void parse_overSize_refusedUnread() {
    byte[] big = new byte[SymbolMap.MAX_BYTES + 1];
    assertThatThrownBy(() -> SymbolMap.parse(big, SymbolMap.KALLSYMS, "huge")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'huge'").hasMessageContaining((SymbolMap.MAX_BYTES + 1) + " bytes (at most " + SymbolMap.MAX_BYTES + ")");
  }

  @Test
  void parse_moreSymbolsThanTheLimit_refusedNamingTheLine() {
    StringBuilder sb = new StringBuilder("ffffffff81000000 T _text\n");
    for (int i = 1; i < SymbolMap.MAX_SYMBOLS; i++) {
      sb.append("ffffffff81000010 t s").append(i).append('\n');
    }
    byte[] over = (sb + "ffffffff81000010 t one_more\n").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> SymbolMap.parse(over, SymbolMap.SYSTEM_MAP, "many")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at line " + (SymbolMap.MAX_SYMBOLS + 1)).hasMessageContaining("more than " + SymbolMap.MAX_SYMBOLS);
  }

  @Test
  void parse_unknownKind_isAProgrammingError() {
    assertThatThrownBy(() -> SymbolMap.parse(new byte[0], "btf", "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
