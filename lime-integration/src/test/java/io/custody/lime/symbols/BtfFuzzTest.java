package io.custody.lime.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.custody.evidence.InvalidInputException;
import java.util.Map;

/**
 * Fuzzes the BTF reader and the ISF writer (the seed: a small BTF with an int, a struct of two
 * pointers, an enum, a bitfield and an array): any bytes give a table or an {@link
 * InvalidInputException}, never another exception; every type a table names exists in it.
 */
class BtfFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void fuzzBtf(byte[] input) {
    Btf btf;
    try {
      btf = Btf.parse(input, "fuzz");
    } catch (InvalidInputException expected) {
      return;
    }
    try {
      Map<String, Object> isf = Isf.of(btf, Map.of(), "Linux version fuzz", Map.of(), "fuzz");
      assertThat(isf).containsKeys("metadata", "base_types", "user_types", "enums", "symbols");
    } catch (InvalidInputException expected) {
      // a member off a byte boundary that is not a bitfield, pointers nested too deep: said, not thrown otherwise
    }
  }
}
