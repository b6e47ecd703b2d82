package io.custody.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliCommandTest {

  @Test
  void redact_userinfoAndQueryStringsOfUrls_nothingElse() {
    assertThat(CliCommand.redact("acquire disk --endpoint-url http://user:secret@127.0.0.1:5000 --case X"))
        .isEqualTo("acquire disk --endpoint-url http://***@127.0.0.1:5000 --case X");
    assertThat(CliCommand.redact("--tsa https://tsa.example/stamp?X-Amz-Signature=abc&k=v --out b.tar"))
        .isEqualTo("--tsa https://tsa.example/stamp?*** --out b.tar");
    assertThat(CliCommand.redact("--case IR-1 --since 2026-03-01 file.json")).isEqualTo("--case IR-1 --since 2026-03-01 file.json");
  }
}
