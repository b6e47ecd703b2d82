package io.custody.lime.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BTF reader and ISF writer on this machine's own kernel BTF (/sys/kernel/btf/vmlinux, made by
 * the kernel's build from its DWARF with pahole), checked against bpftool's reading of the same file:
 * every struct's size and every member's bit offset; and hostile BTF refused with the offset.
 */
class IsfTest {

  static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  /**
   * The test guest's Debian kernel (the kernel the memory tests capture): its BTF, taken from its
   * vmlinuz by {@link Vmlinuz}, read as bpftool reads the same bytes.
   */
  @Test
  void guestKernelBtf_everyStructAsBpftoolReadsIt() throws Exception {
    Path vmlinuz = VmlinuzTest.guestVmlinuz();
    assumeTrue(vmlinuz != null, "no LiME test guest on this machine (scripts/lime-guest build): skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool missing: run scripts/setup");
    Path btf = Files.createTempFile("guest", ".btf");
    try {
      Files.write(btf, Vmlinuz.read(vmlinuz).btf());
      assertAsBpftool(btf);
    } finally {
      Files.deleteIfExists(btf);
    }
  }

  @Test
  void kernelBtf_everyStructAsBpftoolReadsIt_isfOffsetsAgree() throws Exception {
    assumeTrue(Files.isReadable(VMLINUX), "no /sys/kernel/btf/vmlinux on this kernel: skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool missing: run scripts/setup");
    Btf btf = assertAsBpftool(VMLINUX);
    isfOfKernel(btf);
  }

  /** Every struct's size and every member's name, type and bit offset as bpftool reads {@code file}. */
  private static Btf assertAsBpftool(Path file) throws Exception {
    byte[] data = Files.readAllBytes(file);
    Btf btf = Btf.parse(data, "vmlinux");
    Process p = new ProcessBuilder("/usr/sbin/bpftool", "btf", "dump", "file", file.toString(), "format", "raw").start();
    String raw = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    Pattern type = Pattern.compile("^\\[(\\d+)\\] (\\w+) '([^']*)'(?: size=(\\d+))?");
    Pattern member = Pattern.compile("^\\t'([^']*)' type_id=(\\d+) bits_offset=(\\d+)(?: bitfield_size=(\\d+))?");
    int structs = 0;
    int members = 0;
    Btf.Type current = null;
    int index = 0;
    for (String line : raw.split("\n")) {
      Matcher t = type.matcher(line);
      if (t.find()) {
        current = btf.type(Integer.parseInt(t.group(1)));
        index = 0;
        assertThat(current).as(line).isNotNull();
        assertThat(current.name()).as(line).isEqualTo(t.group(3).equals("(anon)") ? "" : t.group(3));
        if (t.group(2).equals("STRUCT") || t.group(2).equals("UNION")) {
          assertThat(current.size()).as(line).isEqualTo(Long.parseLong(t.group(4)));
          structs++;
        }
        continue;
      }
      Matcher m = member.matcher(line);
      if (m.find() && current != null && (current.kind() == Btf.STRUCT || current.kind() == Btf.UNION)) {
        Btf.Member mine = current.members().get(index++);
        assertThat(mine.name()).isEqualTo(m.group(1).equals("(anon)") ? "" : m.group(1));
        assertThat(mine.type()).isEqualTo(Integer.parseInt(m.group(2)));
        assertThat(mine.bitOffset()).isEqualTo(Long.parseLong(m.group(3)));
        assertThat(mine.bitSize()).isEqualTo(m.group(4) == null ? 0 : Integer.parseInt(m.group(4)));
        members++;
      }
    }
    assertThat(structs).isGreaterThan(1000);
    assertThat(members).isGreaterThan(10000);
    return btf;
  }

  private static void isfOfKernel(Btf btf) throws Exception {

    Map<String, Object> isf = Isf.of(btf, Map.of("init_task", 0xffffffff82a0c940L), "Linux version 6.1.0-test (gcc) #1 SMP",
        Map.of("btf", Map.of("name", "vmlinux"), "system-map", Map.of("name", "System.map-test")), "test");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> user = (Map<String, Map<String, Object>>) isf.get("user_types");
    Map<String, Object> listHead = user.get("list_head");
    assertThat(listHead.get("size")).isEqualTo(16L);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> fields = (Map<String, Map<String, Object>>) listHead.get("fields");
    assertThat(fields.get("prev").get("offset")).isEqualTo(8L);
    assertThat(fields.get("prev").get("type")).isEqualTo(Map.of("kind", "pointer", "subtype", Map.of("kind", "struct", "name", "list_head")));
    assertThat(user).containsKey("task_struct");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> task = (Map<String, Map<String, Object>>) user.get("task_struct").get("fields");
    assertThat(task).containsKeys("pid", "tgid", "comm", "tasks", "real_parent");
    validate(isf);
    @SuppressWarnings("unchecked")
    Map<String, Object> banner = (Map<String, Object>) ((Map<String, Object>) isf.get("symbols")).get("linux_banner");
    assertThat(new String(java.util.Base64.getDecoder().decode((String) banner.get("constant_data")), StandardCharsets.UTF_8))
        .isEqualTo("Linux version 6.1.0-test (gcc) #1 SMP\n\0");
  }

  static Btf kernelLikeBtf() {
    return Btf.parse(TestBtf.kernelLike(), "kernel-like");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> symbols(Map<String, Object> isf) {
    return (Map<String, Map<String, Object>>) isf.get("symbols");
  }

  @Test
  void of_knownKernelGlobals_typedFromTheBtf() {
    Btf btf = kernelLikeBtf();
    Map<String, Long> syms = new java.util.LinkedHashMap<>();
    syms.put("_text", 0xffffffff81000000L);
    syms.put("init_task", 0xffffffff82a1aa40L);
    syms.put("tk_core", 0xffffffff83fd4780L);
    syms.put("tick_nsec", 0xffffffff83fd48a0L);
    syms.put("log_buf_len", 0xffffffff83000000L);
    syms.put("current_task", 0x1fb80L);
    syms.put("jiffies", 0xffffffff829079c0L);
    Map<String, Map<String, Object>> s = symbols(Isf.of(btf, syms, "Linux version 6.1.0-test", Map.of(), "test"));
    assertThat(s.get("init_task").get("type")).isEqualTo(Map.of("kind", "struct", "name", "task_struct"));
    // the anonymous struct is named from its BTF id, the one whose first members are seq and timekeeper
    assertThat(s.get("tk_core").get("type")).isEqualTo(Map.of("kind", "struct", "name", "unnamed_struct_11"));
    assertThat(s.get("_text").get("type")).isEqualTo(Map.of("kind", "base", "name", "char"));
    assertThat(s.get("jiffies").get("type")).isEqualTo(Map.of("kind", "base", "name", "long unsigned int"));
    // a typedef is seen through to what it names
    assertThat(s.get("log_buf_len").get("type")).isEqualTo(Map.of("kind", "base", "name", "unsigned int"));
    // a per-CPU variable: typed from its BTF VAR
    assertThat(s.get("current_task").get("type")).isEqualTo(Map.of("kind", "pointer", "subtype", Map.of("kind", "struct", "name", "task_struct")));
    // not in kernel-symbol-types.txt: an address only
    assertThat(s.get("tick_nsec")).containsOnlyKeys("address");
    assertThat(Isf.KNOWN_TYPES).containsEntry("tk_core", "{seq,timekeeper}").containsEntry("taint_flags", "struct taint_flag[]")
        .doesNotContainKey("tick_nsec");
  }

  @Test
  void of_knownGlobalWhoseTypeTheBtfLacks_leftUntyped() {
    Map<String, Long> syms = Map.of("_text", 0xffffffff81000000L, "init_mm", 0xffffffff82b5c940L, "mod_tree", 0xffffffff82b5d000L,
        "registered_fb", 0xffffffff82b5e000L, "idt_table", 0xffffffff82b5f000L);
    Map<String, Map<String, Object>> s = symbols(Isf.of(kernelLikeBtf(), syms, null, Map.of(), "test"));
    // struct mm_struct, struct mod_tree_root, struct fb_info *[32], gate_desc[256]: none in this BTF
    assertThat(s.get("init_mm")).containsOnlyKeys("address");
    assertThat(s.get("mod_tree")).containsOnlyKeys("address");
    assertThat(s.get("registered_fb")).containsOnlyKeys("address");
    assertThat(s.get("idt_table")).containsOnlyKeys("address");
    assertThat(s).doesNotContainKey("linux_banner");
    // without the anonymous struct, tk_core is left untyped too (the decoy {seq, lock} is not taken)
    TestBtf b = new TestBtf();
    int seq = b.struct("seqcount", 4, "sequence", b.integer("int", 4, 1), 0);
    b.struct("", 16, "seq", seq, 0, "lock", 1, 4);
    Map<String, Map<String, Object>> t = symbols(Isf.of(Btf.parse(b.bytes(), "decoy"), Map.of("tk_core", 0xffffffff83fd4780L), null, Map.of(), "t"));
    assertThat(t.get("tk_core")).containsOnlyKeys("address");
  }

  @Test
  void of_taintFlags_countIsTheGapToTheNextSymbolOverTheElementSize() {
    long at = 0xffffffff8200fd20L;
    Map<String, Long> syms = new java.util.LinkedHashMap<>();
    syms.put("_text", 0xffffffff81000000L);
    syms.put("taint_flags", at);
    syms.put("__func__.1", at + 0x40); // 64 bytes: 21 whole taint_flag of 3 bytes
    syms.put("alias_of_taint_flags", at); // a second name at the same address is not the next symbol
    Map<String, Map<String, Object>> s = symbols(Isf.of(kernelLikeBtf(), syms, null, Map.of(), "test"));
    assertThat(s.get("taint_flags").get("type")).isEqualTo(Map.of("kind", "array", "count", 21L,
        "subtype", Map.of("kind", "struct", "name", "taint_flag")));

    // the last symbol: nothing to measure the array by, left untyped
    Map<String, Map<String, Object>> last = symbols(Isf.of(kernelLikeBtf(), Map.of("_text", 0xffffffff81000000L, "taint_flags", at), null,
        Map.of(), "test"));
    assertThat(last.get("taint_flags")).containsOnlyKeys("address");

    // a next symbol far away (a hostile or odd map) bounds the count at 4096
    Map<String, Map<String, Object>> far = symbols(Isf.of(kernelLikeBtf(), Map.of("taint_flags", at, "x", at + (1L << 30)), null, Map.of(), "t"));
    assertThat(far.get("taint_flags").get("type")).isEqualTo(Map.of("kind", "array", "count", 4096L,
        "subtype", Map.of("kind", "struct", "name", "taint_flag")));

    // a BTF without struct taint_flag: untyped
    Map<String, Map<String, Object>> none = symbols(Isf.of(Btf.parse(TestImages.tinyBtf(), "tiny"), syms, null, Map.of(), "t"));
    assertThat(none.get("taint_flags")).containsOnlyKeys("address");
  }

  @Test
  void of_typedSymbols_tableValidatesWithVolatilitysSchema() throws Exception {
    Map<String, Long> syms = new java.util.LinkedHashMap<>();
    syms.put("_text", 0xffffffff81000000L);
    syms.put("init_task", 0xffffffff82a1aa40L);
    syms.put("tk_core", 0xffffffff83fd4780L);
    syms.put("taint_flags", 0xffffffff8200fd20L);
    syms.put("__func__.1", 0xffffffff8200fd60L);
    syms.put("current_task", 0x1fb80L);
    syms.put("init_mm", 0xffffffff82b5c940L);
    Map<String, Object> isf = Isf.of(kernelLikeBtf(), syms, "Linux version 6.1.0-test (gcc) #1 SMP",
        Map.of("btf", Map.of("name", "/sys/kernel/btf/vmlinux"), "kallsyms", Map.of("name", "/proc/kallsyms", "sha256", "a".repeat(64))), "test");
    validate(isf);
  }

  /** Volatility 3's own schema (6.2.0) accepts the table, in the project's venv (skipped without it). */
  static void validate(Map<String, Object> isf) throws Exception {
    // jsonschema imported first: without it, volatility's validate passes anything
    Path python = io.custody.evidence.testing.Corpus.repo().resolve(".venv/bin/python");
    assumeTrue(Files.isExecutable(python), ".venv missing: run scripts/setup");
    Path json = Files.createTempFile("isf", ".json");
    try {
      io.custody.evidence.Json.mapper().writeValue(json.toFile(), isf);
      Process v = new ProcessBuilder(python.toString(), "-c", "import json, sys, jsonschema\nfrom volatility3 import schemas\n"
          + "sys.exit(0 if schemas.validate(json.load(open(sys.argv[1])), False) else 3)", json.toString()).redirectErrorStream(true).start();
      String said = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(v.waitFor()).as(said).isZero();
    } finally {
      Files.deleteIfExists(json);
    }
  }

  @Test
  void hostileBtf_refusedWithTheOffset() {
    assertThatThrownBy(() -> Btf.parse(new byte[10], "tiny")).isInstanceOf(InvalidInputException.class).hasMessageContaining("at byte 0");
    byte[] h = new byte[24 + 12];
    h[0] = (byte) 0x9f;
    h[1] = (byte) 0xeb;
    h[2] = 1;
    h[4] = 24; // hdr_len
    h[12] = 12; // type_len
    h[16] = 12; // str_off
    h[20] = 100; // str_len: past the end
    assertThatThrownBy(() -> Btf.parse(h, "sections")).isInstanceOf(InvalidInputException.class).hasMessageContaining("lie outside");
    h[20] = 0;
    h[24 + 7] = 4; // a STRUCT with vlen 0 … and a name offset outside an empty string section
    assertThatThrownBy(() -> Btf.parse(h, "names")).isInstanceOf(InvalidInputException.class).hasMessageContaining("string section");
  }
}
