package io.custody.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {

  @Test
  void line_knownTotal_percentBarBytesRateElapsedAndLeft() throws Exception {
    TerminalProgress p = new TerminalProgress(new PrintStream(new ByteArrayOutputStream()), "Hashing", 4L << 30);
    p.progress(1L << 30, 4L << 30);
    Thread.sleep(20);
    String line = p.line(System.nanoTime());
    assertThat(line).startsWith("Hashing  25% [======                  ] 1.0 GiB of 4.0 GiB, ").contains("/s, elapsed 0:00, left ");
  }

  @Test
  void line_unknownTotal_noPercentNoLeft() {
    TerminalProgress p = new TerminalProgress(new PrintStream(new ByteArrayOutputStream()), "Reading", -1);
    p.progress(5 << 20, -1);
    assertThat(p.line(System.nanoTime())).startsWith("Reading 5.0 MiB, ").doesNotContain("%").doesNotContain("left");
  }

  @Test
  void drawn_onItsStream_endedWithANewline_nothingWithoutAStream() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TerminalProgress p = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "Sealing", 100)) {
      p.progress(50, 100);
      p.progress(100, 100);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("\rSealing  50%").contains("\rSealing 100%").endsWith("\n");
    try (TerminalProgress none = new TerminalProgress(null, "x", 1)) {
      none.progress(1, 1);
    }
  }

  @Test
  void clock_minutesAndHours() {
    assertThat(TerminalProgress.clock(75)).isEqualTo("1:15");
    assertThat(TerminalProgress.clock(3725)).isEqualTo("1:02:05");
  }
}
