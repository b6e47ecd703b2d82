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

  /** RAM as a PC's /proc/iomem has it: a first range ending inside a page, then 40 MiB: AVML blocks of 16, 16 and 8 MiB. */
  static final List<PhysRange> PC_RAM = List.of(new PhysRange(0x1000, 0x9fbff), new PhysRange(0x100000, 0x28fffff));

  @Test
  void compareAvml_zeroBlockLeftOutAndPartialPage_cleanWithTally() throws IOException {
    byte[] b = LimeFiles.create().range(0x1000, 0x9efff).range(0x100000, 0x10fffff).range(0x2100000, 0x28fffff).bytes();
    LimeInspection i = LimeInspection.ofAvml("x", parse(b), PC_RAM);
    assertThat(i.findings()).isEmpty();
    assertThat(i.avmlLeftOut()).isEqualTo(new RangeCheck.AvmlLeftOut(1, 16L << 20, 3072));
    assertThat(i.avmlLeftOut().describe()).contains("1 blocks", "3072 bytes");
    // the same file is not whole to the LiME check
    assertThat(kinds(LimeInspection.of("x", parse(b), PC_RAM).findings())).contains(Kind.TRUNCATED_RANGE, Kind.RANGE_MISMATCH);
    // one record per RAM range (older AVML, or /dev/mem with exact ends) is whole too
    byte[] whole = LimeFiles.create().range(0x1000, 0x9fbff).range(0x100000, 0x28fffff).bytes();
    assertThat(LimeInspection.ofAvml("x", parse(whole), PC_RAM).findings()).isEmpty();
  }

  @Test
  void compareAvml_gapOrRecordOffTheGrid_findings() throws IOException {
    // half a block missing: the record before it does not end on the grid, the gap does not start on it
    byte[] half = LimeFiles.create().range(0x1000, 0x9efff).range(0x100000, 0x18fffff).range(0x2100000, 0x28fffff).bytes();
    assertThat(kinds(RangeCheck.compareAvml(parse(half), PC_RAM, x -> { }))).containsExactly(Kind.RANGE_MISMATCH, Kind.MISSING_RANGE);
    // a record cut off in the file
    byte[] b = LimeFiles.create().range(0x1000, 0x9efff).range(0x100000, 0x10fffff).range(0x1100000, 0x20fffff).range(0x2100000, 0x28fffff).bytes();
    LimeInspection cut = LimeInspection.ofAvml("x", parse(Arrays.copyOf(b, b.length - 4096)), PC_RAM);
    assertThat(kinds(cut.ramFindings())).containsExactly(Kind.TRUNCATED_RANGE);
    // a record outside System RAM
    byte[] extra = LimeFiles.create().range(0x1000, 0x9efff).range(0x100000, 0x10fffff).range(0x3000000, 0x3000fff).bytes();
    assertThat(kinds(RangeCheck.compareAvml(parse(extra), PC_RAM, x -> { }))).containsExactly(Kind.UNEXPECTED_RANGE);
  }
}
