package io.custody.collector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/cli.md and the README's command table are what {@link CliReference} makes of the commands as they are. */
class CliReferenceTest {

  @Test
  void cliMd_equalsTheGeneratedReference() throws Exception {
    Path doc = MotoServer.repo().resolve("docs/cli.md");
    String generated = CliReference.markdown();
    assertThat(doc).as("docs/cli.md is missing: run scripts/cli-reference").exists();
    assertThat(Files.readString(doc)).as("docs/cli.md is out of date with the commands: run scripts/cli-reference").isEqualTo(generated);
  }

  @Test
  void readme_commandTable_equalsTheGenerated() throws Exception {
    String readme = Files.readString(MotoServer.repo().resolve("README.md"));
    assertThat(readme).as("README.md is out of date with the commands: run scripts/cli-reference").isEqualTo(CliReference.withTable(readme));
    assertThat(CliReference.table()).contains("| [`custody acquire disk`](docs/cli.md#custody-acquire-disk) |",
        "| [`custody-verify`](docs/cli.md#custody-verify-1) |").doesNotContain("[`custody acquire`]");
  }

  @Test
  void markdown_everyCommandHasASectionAndAContentsLine() {
    String md = CliReference.markdown();
    for (String name : new String[] {"custody", "custody acquire memory", "custody lime install-document", "custody case open"}) {
      assertThat(md).contains("\n## " + name + "\n", "- [" + name + "](#" + CliReference.anchor(name) + ")");
    }
    assertThat(md).contains("\n## custody-verify\n", "Usage: custody acquire memory ", "Usage: custody-verify ", "- [custody-verify](#custody-verify-1)");
    // a fixed width, whatever the terminal: no line of the document is wider
    assertThat(md.lines().filter(l -> l.length() > CliReference.WIDTH)).isEmpty();
  }
}
