package io.custody.analyzer.mount;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.evidence.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fuzzes the LVM2 reader: the input is the start of a physical volume (zeros after it, up to 64 MiB;
 * the seed is the first 12 KiB of a PV the LVM tools wrote: label, metadata area header, the
 * metadata of a group with a two-segment volume) and, as text, the metadata parser. Any bytes give a
 * volume group, nothing, or an {@link InvalidInputException}; every range of a readable volume lies
 * inside the physical volume.
 */
class Lvm2FuzzTest {

  private static final long LENGTH = 64L << 20;

  @FuzzTest(maxDuration = "30s")
  void fuzzLvm(byte[] input) throws Exception {
    PartitionTable.Source disk = (ByteBuffer into, long position) -> {
      if (position >= LENGTH) {
        return -1;
      }
      int n = (int) Math.min(into.remaining(), LENGTH - position);
      for (int i = 0; i < n; i++) {
        long at = position + i;
        into.put(at < input.length ? input[(int) at] : 0);
      }
      return n;
    };
    try {
      Optional<Lvm2.VolumeGroup> vg = Lvm2.read(disk, 0, LENGTH, "fuzz");
      vg.ifPresent(g -> g.volumes().stream().filter(Lvm2.LogicalVolume::readable).forEach(lv -> lv.ranges().forEach(r -> {
        assertThat(r.offset()).isNotNegative();
        assertThat(r.offset() + r.length()).isLessThanOrEqualTo(LENGTH);
      })));
    } catch (InvalidInputException expected) {
      // a refusal naming the problem is the answer to a malformed volume
    }
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      LvmText.parse(text, "fuzz");
    } catch (InvalidInputException expected) {
      // likewise
    }
    // the metadata's meaning, past the checksum that guards it on disk (the second seed is such a text)
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("id = \"([A-Za-z0-9-]{38})\"\n(?:device|status)").matcher(text);
    try {
      Lvm2.VolumeGroup g = Lvm2.volumeGroup(text, id.find() ? id.group(1).replace("-", "") : "x", 1 << 20, LENGTH, "fuzz");
      g.volumes().stream().filter(Lvm2.LogicalVolume::readable).forEach(lv -> lv.ranges().forEach(r -> {
        assertThat(r.offset()).isGreaterThanOrEqualTo(1 << 20);
        assertThat(r.offset() + r.length()).isLessThanOrEqualTo((1 << 20) + LENGTH);
      }));
    } catch (InvalidInputException expected) {
      // likewise
    }
  }
}
