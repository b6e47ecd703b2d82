package io.custody.lime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import org.junit.jupiter.api.Test;

class LimeModuleTest {

  @Test
  void parse_moduleWithVermagic_releaseIsItsFirstWord() {
    LimeModule m = LimeModule.parse(TestModules.fake("6.1.0-26-amd64"), "lime.ko");
    assertThat(m.release()).isEqualTo(KernelRelease.of("6.1.0-26-amd64"));
    assertThat(m.vermagic()).startsWith("6.1.0-26-amd64 SMP");
  }

  @Test
  void parse_notAModule_refused() {
    assertThatThrownBy(() -> LimeModule.parse(new byte[4096], "x.ko")).isInstanceOf(InvalidInputException.class).hasMessageContaining("not an ELF");
    byte[] elf = new byte[4096];
    elf[0] = 0x7f;
    elf[1] = 'E';
    elf[2] = 'L';
    elf[3] = 'F';
    assertThatThrownBy(() -> LimeModule.parse(elf, "x.ko")).isInstanceOf(InvalidInputException.class).hasMessageContaining("no vermagic");
    assertThatThrownBy(() -> LimeModule.parse(TestModules.fake("../../etc"), "x.ko")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void kernelRelease_onlyUnameCharacters() {
    assertThat(KernelRelease.of("5.15.0-1050-aws").value()).isEqualTo("5.15.0-1050-aws");
    for (String bad : new String[] {"", "abc", "6.1/../x", "6.1 x", "6.1\n", "6..1"}) {
      assertThatThrownBy(() -> KernelRelease.of(bad)).isInstanceOf(InvalidInputException.class);
    }
  }
}
