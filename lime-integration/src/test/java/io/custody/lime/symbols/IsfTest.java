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
    // Volatility 3's own schema (6.2.0) accepts the table, in the project's venv (jsonschema imported first: without it,
    // volatility's validate passes anything)
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
    @SuppressWarnings("unchecked")
    Map<String, Object> banner = (Map<String, Object>) ((Map<String, Object>) isf.get("symbols")).get("linux_banner");
    assertThat(new String(java.util.Base64.getDecoder().decode((String) banner.get("constant_data")), StandardCharsets.UTF_8))
        .isEqualTo("Linux version 6.1.0-test (gcc) #1 SMP\n\0");
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
