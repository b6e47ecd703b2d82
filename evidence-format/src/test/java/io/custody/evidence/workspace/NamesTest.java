package io.custody.evidence.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.ByteSize;
import io.custody.evidence.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"data/disk/vol-1/image.raw.zst.000001", "VERIFY.txt", "a_b/c-d.e"})
  void isSafeRelativePath_accepts(String p) {
    assertThat(Names.isSafeRelativePath(p)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "a/../b", "..", ".", "a//b", "a/", "a b", "a\u00e9", ".hidden", "a/.x", "-rf", "a\\b", "a:b"})
  void isSafeRelativePath_refuses(String p) {
    assertThat(Names.isSafeRelativePath(p)).isFalse();
  }

  @Test
  void safeFileName_replacesAndTrims() {
    assertThat(Names.safeFileName("/var/log/my file.log")).isEqualTo("my_file.log");
    assertThat(Names.safeFileName("..")).isEqualTo("file");
    assertThat(Names.safeFileName("arn:aws:iam::1:user/x")).isEqualTo("x");
    assertThat(Names.safeFileName("a".repeat(300))).hasSize(100);
  }

  @Test
  void ids_and_sourceIds() {
    assertThat(Names.requireId("IR-2026.001_a", "case id")).isEqualTo("IR-2026.001_a");
    assertThatThrownBy(() -> Names.requireId("../x", "case id")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Names.requireId("a".repeat(65), "case id")).isInstanceOf(InvalidInputException.class);
    assertThat(Names.requireSourceId("arn:aws:iam::123456789012:user/backdoor")).startsWith("arn:");
    assertThatThrownBy(() -> Names.requireSourceId("vol 1")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void byteSize_parsesBinaryUnits() {
    assertThat(ByteSize.parse("4096")).isEqualTo(4096);
    assertThat(ByteSize.parse("64K")).isEqualTo(65536);
    assertThat(ByteSize.parse("1G")).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("2t")).isEqualTo(2L << 40);
    assertThatThrownBy(() -> ByteSize.parse("1.5G")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ByteSize.parse("99999999999T")).isInstanceOf(InvalidInputException.class);
    assertThat(ByteSize.format(1536)).isEqualTo("1.5 KiB");
  }
}
