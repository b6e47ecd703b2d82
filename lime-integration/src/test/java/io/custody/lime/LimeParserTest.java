package io.custody.lime;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.testing.Corpus;
import io.custody.lime.LimeFinding.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LimeParserTest {

  static final Path CORPUS = Corpus.path("memory/memflow-lime");

  static LimeLayout parse(byte[] b) throws IOException {
    return LimeReader.read(new ByteArrayInputStream(b));
  }

  static List<Kind> kinds(List<LimeFinding> findings) {
    return findings.stream().map(LimeFinding::kind).toList();
  }

  @Test
  void read_realLimeSlice_oneCompleteRangeMatchingVolatility() throws IOException {
    Path file = CORPUS.resolve("deb-x86_64-slice.lime");
    LimeLayout l = LimeReader.read(file);
    assertThat(l.findings()).isEmpty();
    assertThat(l.fileSize()).isEqualTo(651_296);
    assertThat(l.ranges()).hasSize(1);
    LimeRange r = l.ranges().get(0);
    assertThat(r.range()).isEqualTo(new PhysRange(0x1000, 0x9ffff));
    assertThat(r.declared()).isEqualTo(651_264);
    assertThat(r.complete()).isTrue();
    assertThat(r.pages()).isEqualTo(651_264 / 4096);
    // Volatility 3 reads these 128 bytes at physical 0x1000; the file offset that maps there must hold them.
    byte[] expected = Files.readAllBytes(CORPUS.resolve("deb-x86_64-slice_0x1000_volatility3_out.bin"));
    byte[] all = Files.readAllBytes(file);
    long off = r.dataOffset();
    assertThat(l.physicalAddress(off)).hasValue(0x1000);
    assertThat(Arrays.copyOfRange(all, (int) off, (int) off + 128)).isEqualTo(expected);
    assertThat(l.physicalAddress(0)).isEmpty();
    assertThat(l.physicalAddress(all.length)).isEmpty();
  }

  @Test
  void read_multiRange_allRangesInOrder() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9ffff).range(0x100000, 0x1fffff).range(0x100000000L, 0x100003fffL).bytes();
    LimeLayout l = parse(b);
    assertThat(l.findings()).isEmpty();
    assertThat(l.ranges()).extracting(LimeRange::range)
        .containsExactly(new PhysRange(0x1000, 0x9ffff), new PhysRange(0x100000, 0x1fffff), new PhysRange(0x100000000L, 0x100003fffL));
    assertThat(l.declaredBytes()).isEqualTo(0x9f000 + 0x100000 + 0x4000);
    assertThat(l.presentBytes()).isEqualTo(l.declaredBytes());
    assertThat(l.physicalAddress(l.ranges().get(2).dataOffset() + 5)).hasValue(0x100000005L);
  }

  @Test
  void update_anySplitOfTheStream_sameLayout() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x2fff).zeroRange(0x10000, 0x13fff).rangeWithZeroTail(0x20000, 0x27fff, 8192).bytes();
    LimeLayout whole = parse(b);
    Random rnd = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      LimeParser p = new LimeParser();
      int off = 0;
      while (off < b.length) {
        int n = Math.min(b.length - off, 1 + rnd.nextInt(5000));
        p.update(b, off, n);
        off += n;
      }
      assertThat(p.finish()).isEqualTo(whole);
    }
    assertThat(whole.ranges().get(1).allZero()).isTrue();
    assertThat(whole.ranges().get(2).trailingZeroPages()).isEqualTo(2);
    assertThat(whole.ranges().get(2).zeroPages()).isEqualTo(2);
  }

  @Test
  void read_dataCutOff_truncatedData() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9ffff).range(0x100000, 0x1fffff).bytes();
    LimeLayout l = parse(Arrays.copyOf(b, b.length - 1000));
    assertThat(kinds(l.findings())).containsExactly(Kind.TRUNCATED_DATA);
    assertThat(l.findings().get(0).offset()).isEqualTo(b.length - 1000);
    assertThat(l.ranges().get(1).present()).isEqualTo(0x100000 - 1000);
    assertThat(l.ranges().get(1).complete()).isFalse();
  }

  @Test
  void read_headerCutOff_truncatedHeader() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x1fff).raw(Arrays.copyOf(LimeFiles.header(LimeParser.MAGIC, 1, 0x10000, 0x10fff, 0), 20)).bytes();
    LimeLayout l = parse(b);
    assertThat(kinds(l.findings())).containsExactly(Kind.TRUNCATED_HEADER);
    assertThat(l.findings().get(0).offset()).isEqualTo(32 + 0x1000);
  }

  @Test
  void read_zerosAfterLastRange_trailingZeros() throws IOException {
    LimeLayout l = parse(LimeFiles.create().range(0x1000, 0x1fff).raw(new byte[1 << 20]).bytes());
    assertThat(kinds(l.findings())).containsExactly(Kind.TRAILING_ZEROS);
    assertThat(l.findings().get(0).offset()).isEqualTo(32 + 0x1000);
    assertThat(l.ranges()).hasSize(1);
    LimeLayout shortTail = parse(LimeFiles.create().range(0x1000, 0x1fff).raw(new byte[7]).bytes());
    assertThat(kinds(shortTail.findings())).containsExactly(Kind.TRAILING_ZEROS);
  }

  @Test
  void read_zerosThenGarbageAfterLastRange_badMagic() throws IOException {
    byte[] tail = new byte[100_000];
    tail[99_999] = 1;
    LimeLayout l = parse(LimeFiles.create().range(0x1000, 0x1fff).raw(tail).bytes());
    assertThat(kinds(l.findings())).containsExactly(Kind.BAD_MAGIC);
    assertThat(l.ignoredBytes()).isEqualTo(100_000);
  }

  @Test
  void read_corruptSecondHeader_badMagicAndRestIgnored() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x1fff).range(0x3000, 0x3fff).bytes();
    b[32 + 0x1000] ^= 0x55;
    LimeLayout l = parse(b);
    assertThat(kinds(l.findings())).containsExactly(Kind.BAD_MAGIC);
    assertThat(l.findings().get(0).offset()).isEqualTo(32 + 0x1000);
    assertThat(l.ranges()).hasSize(1);
    assertThat(l.ignoredBytes()).isEqualTo(32 + 0x1000);
  }

  @Test
  void read_notLime_badMagicAtZeroWithHint() throws IOException {
    LimeLayout l = parse(new byte[8192]);
    assertThat(kinds(l.findings())).containsExactly(Kind.BAD_MAGIC);
    assertThat(l.findings().get(0).message()).contains("padded");
  }

  @Test
  void read_badHeaders_eachNamed() throws IOException {
    assertThat(kinds(parse(LimeFiles.header(LimeParser.MAGIC, 2, 0x1000, 0x1fff, 0)).findings())).containsExactly(Kind.BAD_VERSION);
    assertThat(kinds(parse(LimeFiles.header(LimeParser.MAGIC, 1, 0x2000, 0x1fff, 0)).findings())).containsExactly(Kind.BAD_RANGE);
    assertThat(kinds(parse(LimeFiles.header(LimeParser.MAGIC, 1, 0, -1L, 0)).findings())).containsExactly(Kind.BAD_RANGE);
    assertThat(kinds(parse(LimeFiles.header(LimeParser.MAGIC, 1, 0, 1L << 53, 0)).findings())).containsExactly(Kind.BAD_RANGE);
    byte[] reserved = LimeFiles.create().raw(LimeFiles.header(LimeParser.MAGIC, 1, 0, 0xfff, 9)).raw(new byte[4096]).bytes();
    assertThat(kinds(parse(reserved).findings())).containsExactly(Kind.RESERVED_NOT_ZERO);
  }

  @Test
  void read_rangesOutOfOrderOrOverlapping_named() throws IOException {
    assertThat(kinds(parse(LimeFiles.create().range(0x10000, 0x10fff).range(0x1000, 0x1fff).bytes()).findings())).containsExactly(Kind.OUT_OF_ORDER);
    assertThat(kinds(parse(LimeFiles.create().range(0x1000, 0x2fff).range(0x2000, 0x3fff).bytes()).findings())).containsExactly(Kind.OVERLAP);
  }

  @Test
  void read_empty_emptyFinding() throws IOException {
    assertThat(kinds(parse(new byte[0]).findings())).containsExactly(Kind.EMPTY);
  }

  @Test
  void read_hugeDeclaredRange_constantMemoryTruncatedData() throws IOException {
    // 1 TiB declared, 4 KiB present: the parser must not try to allocate the range.
    byte[] b = LimeFiles.create().raw(LimeFiles.header(LimeParser.MAGIC, 1, 0, (1L << 40) - 1, 0)).raw(new byte[4096]).bytes();
    LimeLayout l = parse(b);
    assertThat(kinds(l.findings())).containsExactly(Kind.TRUNCATED_DATA);
    assertThat(l.declaredBytes()).isEqualTo(1L << 40);
  }

  @Test
  void tap_streamReadByAnotherConsumer_sameLayoutAndBytes() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9ffff).range(0x100000, 0x10ffff).bytes();
    LimeParser p = new LimeParser();
    try (InputStream in = LimeReader.tap(new ByteArrayInputStream(b), p)) {
      assertThat(in.readAllBytes()).isEqualTo(b);
    }
    assertThat(p.finish()).isEqualTo(parse(b));
  }
}
