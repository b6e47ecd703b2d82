package io.custody.lime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.evidence.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the LiME parser, the range check and the /proc/iomem parser: any bytes give a layout with
 * findings (never an exception), the same layout however the stream is split, and byte counts that
 * add up; any text as /proc/iomem gives ranges or an {@link InvalidInputException}.
 */
class LimeReaderFuzzTest {

  private static final List<PhysRange> RAM = List.of(new PhysRange(0x1000, 0x9ffff), new PhysRange(0x100000, 0x7fffffff));

  @FuzzTest(maxDuration = "30s")
  void fuzzLime(byte[] input) throws IOException {
    LimeLayout whole = LimeReader.read(new ByteArrayInputStream(input));
    assertThat(whole.fileSize()).isEqualTo(input.length);
    long accounted = whole.ignoredBytes() + whole.ranges().size() * (long) LimeParser.HEADER_SIZE + whole.presentBytes();
    assertThat(accounted).isLessThanOrEqualTo(input.length);
    LimeParser split = new LimeParser();
    for (int off = 0; off < input.length; off += 3) {
      split.update(input, off, Math.min(3, input.length - off));
    }
    assertThat(split.finish()).isEqualTo(whole);
    LimeInspection.of("fuzz", whole, RAM).findings();
    try {
      for (PhysRange r : SystemRam.parse(new String(input, StandardCharsets.UTF_8), "fuzz")) {
        assertThat(r.start()).isLessThanOrEqualTo(r.end());
      }
    } catch (InvalidInputException expected) {
      // hostile text is refused with a message, never another exception
    }
  }
}
