package io.custody.lime.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.Sha256;
import io.custody.lime.KernelRelease;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapturePlanTest {

  static final long GIB = 1L << 30;

  @Test
  void partSize_smallInstance_keepsWanted() {
    assertThat(CapturePlan.partSize(GIB, 16L << 20)).isEqualTo(16L << 20);
  }

  @Test
  void partSize_hugeInstance_grownToFitS3PartLimit() {
    long ram = 768 * GIB;
    long size = CapturePlan.partSize(ram, 16L << 20);
    assertThat(size % (1 << 20)).isZero();
    assertThat(CapturePlan.parts(ram, size)).isLessThanOrEqualTo(CapturePlan.MAX_PARTS);
    assertThat((long) CapturePlan.parts(ram, size) * size).isGreaterThanOrEqualTo(ram + ram / 10);
  }

  @Test
  void parts_coverRamWithHeadroom() {
    int n = CapturePlan.parts(GIB, 16L << 20);
    assertThat((long) n * (16L << 20)).isGreaterThanOrEqualTo(GIB + GIB / 10 + (64L << 20));
  }

  @Test
  void of_textTheHostScriptReads() {
    CapturePlan p = CapturePlan.of(45000, 16L << 20, 3,
        List.of(new CapturePlan.Module(KernelRelease.of("6.1.0-26-amd64"), Sha256.digest(new byte[1]), URI.create("http://s3/lime/6.1.0-26-amd64/lime.ko?X=1"))),
        n -> URI.create("http://s3/part?partNumber=" + n));
    String text = new String(p.bytes(), StandardCharsets.US_ASCII);
    assertThat(text).startsWith("custody-lime-plan 1\nport 45000\npart_size 16777216\nparts 3\ncompress none\nmodule 6.1.0-26-amd64 ");
    assertThat(text).endsWith("part 1 http://s3/part?partNumber=1\npart 2 http://s3/part?partNumber=2\npart 3 http://s3/part?partNumber=3\n");
    assertThat(p.sha256()).isEqualTo(Sha256.digest(p.bytes()));
  }

  @Test
  void of_methodAndAvml_linesTheHostScriptReads() {
    Sha256 avmlSha = Sha256.digest(new byte[] {1});
    CapturePlan p = CapturePlan.of(45000, 16L << 20, 1, Transport.NONE, CaptureMethod.AUTO, List.of(), null,
        new CapturePlan.Avml(avmlSha, URI.create("http://s3/lime/avml/avml?X=1")), java.util.Map.of(), n -> URI.create("http://s3/part?n=" + n));
    String text = new String(p.bytes(), StandardCharsets.US_ASCII);
    assertThat(text).contains("\ncompress none\nmethod auto\n").contains("\navml " + avmlSha.hex() + " http://s3/lime/avml/avml?X=1\n")
        .doesNotContain("\nmodule ");
    CapturePlan lime = CapturePlan.of(45000, 16L << 20, 1, Transport.GZIP, CaptureMethod.LIME, List.of(), null, null, java.util.Map.of(),
        n -> URI.create("http://s3/part?n=" + n));
    assertThat(new String(lime.bytes(), StandardCharsets.US_ASCII)).contains("\nmethod lime\n").doesNotContain("\navml ");
  }

  @Test
  void method_parse_labels() {
    assertThat(CaptureMethod.parse("AVML")).isEqualTo(CaptureMethod.AVML);
    assertThat(CaptureMethod.AUTO.label()).isEqualTo("auto");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CaptureMethod.parse("kcore")).hasMessageContaining("expected auto, lime or avml");
  }

  @Test
  void of_symbolUrls_oneLineEachInTheFixedOrderAfterTheModulesBeforeTheParts() {
    Map<String, URI> urls = new LinkedHashMap<>(); // given out of order: the plan's order is SYMBOL_FILES'
    urls.put("version", URI.create("http://s3/c/symbols/version?X-Amz-Signature=4"));
    urls.put("kallsyms", URI.create("http://s3/c/symbols/kallsyms?X-Amz-Signature=3"));
    urls.put("system-map", URI.create("http://s3/c/symbols/system-map?X-Amz-Signature=2"));
    urls.put("btf", URI.create("http://s3/c/symbols/btf?X-Amz-Signature=1"));
    CapturePlan p = CapturePlan.of(45000, 16L << 20, 2, Transport.NONE, CaptureMethod.AUTO,
        List.of(new CapturePlan.Module(KernelRelease.of("6.1.0-26-amd64"), Sha256.digest(new byte[1]), URI.create("http://s3/lime/a.ko")),
            new CapturePlan.Module(KernelRelease.of("6.1.0-27-amd64"), Sha256.digest(new byte[2]), URI.create("http://s3/lime/b.ko"))),
        new CapturePlan.Source(Sha256.digest(new byte[3]), URI.create("http://s3/lime/lime-source.tar.gz")), null, urls,
        n -> URI.create("http://s3/part?partNumber=" + n));
    List<String> lines = List.of(new String(p.bytes(), StandardCharsets.US_ASCII).split("\n"));
    assertThat(lines.subList(6, lines.size())).extracting(l -> l.split(" ")[0])
        .containsExactly("module", "module", "lime_source", "symbols", "symbols", "symbols", "symbols", "part", "part");
    assertThat(lines.subList(9, 13)).containsExactly("symbols btf http://s3/c/symbols/btf?X-Amz-Signature=1",
        "symbols system-map http://s3/c/symbols/system-map?X-Amz-Signature=2", "symbols kallsyms http://s3/c/symbols/kallsyms?X-Amz-Signature=3",
        "symbols version http://s3/c/symbols/version?X-Amz-Signature=4");
    assertThat(CapturePlan.SYMBOL_FILES).containsExactly("btf", "system-map", "kallsyms", "version");
  }

  @Test
  void of_someOrNoSymbolUrls_onlyThoseListedNothingElse() {
    Map<String, URI> urls = Map.of("btf", URI.create("http://s3/btf"), "kallsyms", URI.create("http://s3/kallsyms"), "modules",
        URI.create("http://s3/not-a-symbols-file"));
    String some = new String(CapturePlan.of(45000, 16L << 20, 1, Transport.NONE, CaptureMethod.AUTO, List.of(), null, null, urls, n -> URI.create("http://s3/p" + n)).bytes(),
        StandardCharsets.US_ASCII);
    assertThat(some).contains("\nsymbols btf http://s3/btf\nsymbols kallsyms http://s3/kallsyms\npart 1 ").doesNotContain("not-a-symbols-file")
        .doesNotContain("system-map").doesNotContain("symbols version");
    String none = new String(CapturePlan.of(45000, 16L << 20, 1, List.of(), n -> URI.create("http://s3/p" + n)).bytes(), StandardCharsets.US_ASCII);
    assertThat(none).doesNotContain("symbols");
  }
}
