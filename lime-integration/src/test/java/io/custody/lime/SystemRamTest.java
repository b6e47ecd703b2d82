package io.custody.lime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SystemRamTest {

  static final Path CORPUS = Corpus.path("memory/avml-iomem");

  /** The ground truth: EXPECTED_system_ram_ranges.txt, one line per capture. */
  static Stream<Object[]> expected() throws IOException {
    List<Object[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(CORPUS.resolve("EXPECTED_system_ram_ranges.txt"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] parts = line.split(": ", 2);
      List<PhysRange> ranges = new ArrayList<>();
      for (String r : parts[1].split(", ")) {
        String[] se = r.trim().split("-");
        ranges.add(new PhysRange(Long.decode(se[0]), Long.decode(se[1])));
      }
      out.add(new Object[] {parts[0], ranges});
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expected")
  void read_realIomemCaptures_expectedSystemRam(String file, List<PhysRange> want) {
    assertThat(SystemRam.read(CORPUS.resolve(file))).containsExactlyElementsOf(want);
  }

  @Test
  void parse_readWithoutRoot_refused() {
    String text = "00000000-00000000 : reserved\n00000000-00000000 : System RAM\n";
    assertThatThrownBy(() -> SystemRam.parse(text, "x")).isInstanceOf(InvalidInputException.class).hasMessageContaining("without root");
  }

  @Test
  void parse_garbage_namesTheLine() {
    assertThatThrownBy(() -> SystemRam.parse("00001000-0009ffff : System RAM\nhello\u0001\n", "host.txt"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 2").hasMessageContaining("\\u0001");
    assertThatThrownBy(() -> SystemRam.parse("0009ffff-00001000 : System RAM\n", "host.txt"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 1");
    assertThatThrownBy(() -> SystemRam.parse("", "empty")).isInstanceOf(InvalidInputException.class);
  }
}
