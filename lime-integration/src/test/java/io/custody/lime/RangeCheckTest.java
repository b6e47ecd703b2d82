package io.custody.lime;

import static io.custody.lime.LimeParserTest.kinds;
import static io.custody.lime.LimeParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.custody.lime.LimeFinding.Kind;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeCheckTest {

  static final List<PhysRange> RAM = List.of(new PhysRange(0x1000, 0x9ffff), new PhysRange(0x100000, 0x1fffff), new PhysRange(0x300000, 0x303fff));

  static LimeFiles full() {
    return LimeFiles.create().range(0x1000, 0x9ffff).range(0x100000, 0x1fffff).range(0x300000, 0x303fff);
  }

  @Test
  void compare_everyRangeWhole_noFinding() throws IOException {
    LimeInspection i = LimeInspection.of("x", parse(full().bytes()), RAM);
    assertThat(i.findings()).isEmpty();
    assertThat(i.clean()).isTrue();
  }

  @Test
  void compare_realIomemAgainstSliceWithOneRange_missingAndMismatch() throws IOException {
    LimeLayout slice = LimeReader.read(LimeParserTest.CORPUS.resolve("deb-x86_64-slice.lime"));
    List<PhysRange> ram = SystemRam.read(SystemRamTest.CORPUS.resolve("iomem-2.txt"));
    // iomem-2 starts with 0x1000-0x9ffff: the slice holds exactly that range and nothing else.
    List<LimeFinding> f = RangeCheck.compare(slice, ram);
    assertThat(kinds(f)).containsOnly(Kind.MISSING_RANGE).hasSize(ram.size() - 1);
  }

  @Test
  void compare_rangeLeftOut_missing() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9ffff).range(0x300000, 0x303fff).bytes();
    assertThat(kinds(RangeCheck.compare(parse(b), RAM))).containsExactly(Kind.MISSING_RANGE);
  }

  @Test
  void compare_headerShorterThanRam_truncatedRange() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9ffff).range(0x100000, 0x17ffff).range(0x300000, 0x303fff).bytes();
    List<LimeFinding> f = RangeCheck.compare(parse(b), RAM);
    assertThat(kinds(f)).containsExactly(Kind.TRUNCATED_RANGE);
    assertThat(f.get(0).message()).contains("524288 bytes short");
  }

  @Test
  void compare_fileCutOff_truncatedRangeAndLaterRangesMissing() throws IOException {
    byte[] b = full().bytes();
    LimeInspection i = LimeInspection.of("x", parse(Arrays.copyOf(b, 32 + 0x9f000 + 32 + 4096)), RAM);
    assertThat(kinds(i.layout().findings())).containsExactly(Kind.TRUNCATED_DATA);
    assertThat(kinds(i.ramFindings())).containsExactly(Kind.TRUNCATED_RANGE, Kind.MISSING_RANGE);
  }

  @Test
  void compare_zeroFilledRange_padded() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9ffff).zeroRange(0x100000, 0x1fffff).range(0x300000, 0x303fff).bytes();
    List<LimeFinding> f = RangeCheck.compare(parse(b), RAM);
    assertThat(kinds(f)).containsExactly(Kind.PADDED_RANGE);
  }

  @Test
  void compare_rangeNotInRam_unexpectedAndMismatch() throws IOException {
    byte[] b = full().range(0x400000, 0x400fff).bytes();
    assertThat(kinds(RangeCheck.compare(parse(b), RAM))).containsExactly(Kind.UNEXPECTED_RANGE);
    byte[] shifted = LimeFiles.create().range(0x2000, 0x9ffff).range(0x100000, 0x1fffff).range(0x300000, 0x303fff).bytes();
    assertThat(kinds(RangeCheck.compare(parse(shifted), RAM))).containsExactly(Kind.RANGE_MISMATCH);
  }
}
