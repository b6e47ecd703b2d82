package io.custody.evidence.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class Sha256SumsTest {

  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void write_sortsLikeLcAllC_andParsesBack() {
    Map<String, Sha256> m = new TreeMap<>();
    m.put("data/b", new Sha256(B));
    m.put("VERIFY.txt", new Sha256(A));
    m.put("case/x", new Sha256(A));
    String text = new String(Sha256Sums.write(m), StandardCharsets.US_ASCII);
    // Upper case sorts before lower case in the C locale.
    assertThat(text).isEqualTo(A + "  VERIFY.txt\n" + A + "  case/x\n" + B + "  data/b\n");
    Sha256Sums.Parsed p = Sha256Sums.parse(text.getBytes(StandardCharsets.US_ASCII));
    assertThat(p.problems()).isEmpty();
    assertThat(p.entries()).isEqualTo(m);
  }

  @Test
  void parse_everyKindOfBadLine_isAProblemWithItsLine() {
    String text = A + "  ok\n"
        + A.toUpperCase() + "  upper\n"
        + A + " *binary\n"
        + A + "  ../up\n"
        + A + "  /abs\n"
        + A + "  ok\n"
        + "short\n"
        + A + "  a b\n";
    Sha256Sums.Parsed p = Sha256Sums.parse(text.getBytes(StandardCharsets.US_ASCII));
    assertThat(p.entries()).containsOnlyKeys("ok");
    assertThat(p.problems()).hasSize(7).allSatisfy(s -> assertThat(s).startsWith("line "));
    assertThat(p.problems()).anySatisfy(s -> assertThat(s).contains("listed twice"));
  }

  @Test
  void parse_outOfOrder_isAProblem() {
    Sha256Sums.Parsed p = Sha256Sums.parse((A + "  b\n" + A + "  a\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(p.problems()).singleElement().satisfies(s -> assertThat(s).contains("out of order"));
  }

  @Test
  void parse_missingFinalNewline_isAProblem() {
    assertThat(Sha256Sums.parse((A + "  a").getBytes(StandardCharsets.US_ASCII)).problems()).contains("does not end with a newline");
  }
}
