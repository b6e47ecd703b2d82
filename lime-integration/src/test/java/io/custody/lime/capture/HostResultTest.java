package io.custody.lime.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import io.custody.lime.PhysRange;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HostResultTest {

  static final String OK = """
      {"format": "custody-lime-result/1", "status": "ok", "stage": "done", "error": "", "kernel_release": "6.1.0-56-amd64",
       "uname": "Linux h 6.1.0-56-amd64", "proc_version": "Linux version 6.1.0-56-amd64", "lockdown": "[none] integrity", "sig_enforce": "N",
       "mem_total_kb": 246000, "mem_available_kb": 160000, "module_sha256": "%s", "http": "curl", "reader": "bash", "port": "4444",
       "part_size": "16777216", "insmod_rc": "0", "rmmod": "unloaded", "bytes": 20971552, "sha256": "%s",
       "parts": [
         {"number": 1, "etag": "0123456789abcdef0123456789abcdef", "size": 16777216},
         {"number": 2, "etag": "fedcba9876543210fedcba9876543210", "size": 4194336}
       ],
       "iomem_system_ram": ["00001000-0009ffff", "00100000-00ffffff"],
       "utc_start": "2026-01-01T00:00:00Z", "utc_end": "2026-01-01T00:01:00Z",
       "uptime": {"start": "4.1", "module_loaded": "5.0", "captured": "50.2", "end": "51.0"}}
      """.formatted("a".repeat(64), "b".repeat(64));

  static HostResult parse(String json) {
    return HostResult.parse(json.getBytes(StandardCharsets.UTF_8), "result.json");
  }

  @Test
  void parse_scriptOutput_fieldsChecked() {
    HostResult r = parse(OK);
    assertThat(r.ok()).isTrue();
    assertThat(r.streamSha256().hex()).isEqualTo("b".repeat(64));
    assertThat(r.checkedParts()).hasSize(2);
    assertThat(r.systemRam()).containsExactly(new PhysRange(0x1000, 0x9ffff), new PhysRange(0x100000, 0xffffff));
  }

  @Test
  void parse_hostileInput_refused() {
    assertThatThrownBy(() -> parse("{\"format\": \"other\"}")).isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown format");
    assertThatThrownBy(() -> parse("{\"format\": \"custody-lime-result/1\", \"format\": \"x\"}")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse("[1,2")).isInstanceOf(InvalidInputException.class).hasMessageContaining("offset");
    assertThatThrownBy(() -> parse(OK.replace("\"number\": 2", "\"number\": 3")).checkedParts()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse(OK.replace("fedcba9876543210fedcba9876543210", "../../etc")).checkedParts()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse(OK.replace("00100000-00ffffff", "00100000-00ffffff; rm")).systemRam()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse(OK.replace("\"sha256\": \"" + "b".repeat(64), "\"sha256\": \"" + "z".repeat(64))).streamSha256())
        .isInstanceOf(InvalidInputException.class);
  }

  /** The symbols array as capture.sh writes it (sent, missing, unreadable), and a null among them. */
  static final String SYMBOLS = """
      "symbols": [
          {"kind": "btf", "status": "sent", "bytes": 5301248, "sha256": "%s", "source": "/sys/kernel/btf/vmlinux"},
          null,
          {"kind": "system-map", "status": "missing", "bytes": 0, "sha256": "-", "source": "/boot/System.map-6.1.0-56-amd64"},
          {"kind": "kallsyms", "status": "sent", "bytes": 9663676, "sha256": "%s", "source": "/proc/kallsyms"},
          {"kind": "version", "status": "failed", "bytes": 160, "sha256": "%s", "source": "/proc/version"}
        ],
      """.formatted("c".repeat(64), "d".repeat(64), "e".repeat(64));

  static HostResult withSymbols(String symbols) {
    return parse(OK.replace("\"utc_start\"", symbols + " \"utc_start\""));
  }

  @Test
  void parse_symbolsArray_eachFileAsTheHostReportsItNullsLeftOut() {
    HostResult r = withSymbols(SYMBOLS);
    assertThat(r.symbols()).extracting(HostResult.SentFile::kind).containsExactly("btf", "system-map", "kallsyms", "version");
    assertThat(r.symbols()).extracting(HostResult.SentFile::sent).containsExactly(true, false, true, false);
    assertThat(r.symbols().get(0)).isEqualTo(new HostResult.SentFile("btf", "sent", "/sys/kernel/btf/vmlinux", 5301248, "c".repeat(64)));
    assertThat(r.symbols().get(1).sha256()).isEqualTo("-");
    // the capture's own fields are read as before
    assertThat(r.checkedParts()).hasSize(2);
    assertThat(r.streamSha256().hex()).isEqualTo("b".repeat(64));
  }

  @Test
  void parse_noSymbols_emptyList() {
    assertThat(parse(OK).symbols()).isEmpty(); // a capture document older than the symbols stage
    assertThat(withSymbols("\"symbols\": null,").symbols()).isEmpty();
    assertThat(withSymbols("\"symbols\": [null, null],").symbols()).isEmpty();
  }

  @Test
  void parse_hostileSymbolsEntries_readAsNotUsableTheCaptureStillParses() {
    // what a compromised host may write there: none of it may cost the capture its result
    HostResult r = withSymbols("""
        "symbols": [
            {"kind": "btf", "status": "sent", "bytes": 123456789012345678901234567890, "sha256": "%s", "source": "/sys/kernel/btf/vmlinux"},
            {"kind": "kallsyms", "status": "sent", "bytes": null, "sha256": null, "source": null},
            {"kind": "version", "status": "sent", "bytes": "160", "sha256": ["x"], "source": {"a": 1}},
            {"kind": ["btf"], "status": true},
            {"kind": "version", "status": "sent", "bytes": -5, "sha256": "%s", "source": "/proc/version"},
            {"kind": "version", "status": "sent", "bytes": 1.5, "sha256": "%s", "source": "/proc/version"},
            {},
            7,
            "btf"
          ],
        """.formatted("c".repeat(64), "e".repeat(64), "e".repeat(64)));
    assertThat(r.ok()).isTrue();
    assertThat(r.checkedParts()).hasSize(2);
    assertThat(r.symbols()).hasSize(9);
    // a size that is no file's size: negative, so never equal to what S3 holds
    assertThat(r.symbols()).extracting(HostResult.SentFile::bytes).containsOnly(-1L);
    assertThat(r.symbols().get(0).kind()).isEqualTo("btf");
    assertThat(r.symbols().get(1).sha256()).isNull();
    assertThat(r.symbols().get(2).sha256()).isNull();
    assertThat(r.symbols().get(2).source()).isNull();
    assertThat(r.symbols().get(3).kind()).isNull();
    assertThat(r.symbols().get(3).sent()).isFalse();
    assertThat(r.symbols().subList(6, 9)).allSatisfy(f -> {
      assertThat(f.kind()).isNull();
      assertThat(f.sent()).isFalse();
    });
    // not a list at all
    HostResult notAList = withSymbols("\"symbols\": {\"kind\": \"btf\"},");
    assertThat(notAList.ok()).isTrue();
    assertThat(notAList.symbols()).singleElement().satisfies(f -> assertThat(f.sent()).isFalse());
  }

  @Test
  void method_fieldsOfTheScript_olderResultsWereLime() {
    HostResult old = parse(OK);
    assertThat(old.methodLabel()).isEqualTo("lime");
    assertThat(old.printableMethodReason()).isEmpty();
    HostResult avml = parse(OK.replace("\"rmmod\": \"unloaded\"", "\"rmmod\": \"not-loaded\", \"method\": \"avml\", "
        + "\"method_reason\": \"no LiME module for kernel 6.1.0-56-amd64 in the module library\", \"avml_sha256\": \"" + "c".repeat(64)
        + "\", \"avml_source\": \"/proc/kcore\""));
    assertThat(avml.methodLabel()).isEqualTo("avml");
    assertThat(avml.printableMethodReason()).isEqualTo("no LiME module for kernel 6.1.0-56-amd64 in the module library");
    assertThat(avml.avmlSha256()).isEqualTo("c".repeat(64));
    assertThat(avml.avmlSourceLabel()).isEqualTo("/proc/kcore");
    HostResult hostile = parse(OK.replace("\"rmmod\": \"unloaded\"", "\"rmmod\": \"x\", \"method\": \"dd\", "
        + "\"method_reason\": \"why\\u001b[2J\", \"avml_source\": \"/etc/shadow\""));
    assertThat(hostile.methodLabel()).isEqualTo("unknown");
    assertThat(hostile.printableMethodReason()).isEqualTo("why\\u001b[2J");
    assertThat(hostile.avmlSourceLabel()).isEqualTo("unknown");
  }

  @Test
  void printableError_controlCharactersEscaped() {
    HostResult r = parse(OK.replace("\"error\": \"\"", "\"error\": \"bad\\u001b[31m\""));
    assertThat(r.printableError()).isEqualTo("bad\\u001b[31m");
  }
}
