package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline writer against the real mactime on bodyfiles nobody here wrote, and on awkward lines. */
class MactimeTest {

  @TempDir
  Path tmp;

  private void same(Path body) throws Exception {
    Path out = tmp.resolve("ours.csv");
    Mactime.write(List.of(body), out);
    assertThat(Files.readString(out, StandardCharsets.ISO_8859_1)).isEqualTo(Cases.mactime(tmp, body));
  }

  @Test
  void write_upstreamSampleBodyfiles_sameAsMactime() throws Exception {
    same(Corpus.path("disk/dfvfs/fls_bodyfile.txt"));
    same(Corpus.path("disk/dfvfs/mactime.body"));
  }

  @Test
  void write_awkwardLines_sameAsMactime() throws Exception {
    Path body = tmp.resolve("awkward.body");
    String lines = String.join("\n",
        "# a comment",
        "0|/a \"quoted\" name|12|r/rrw-r--r--|0|0|5|100|200|300|0",
        "0|/dup|13|r/rrw-r--r--|0|0|5|100|100|100|100",
        "0|/dup|14|r/rrwxr-xr-x|1000|1000|9|100|50|0|0",
        "0|/pipe|in|name|15|r/rrw-r--r--|0|0|1|1|2|3|4",
        "0|/zero|16|r/rrw-r--r--|0|0|0|0|0|0|0",
        "0|/esc%41pe|17|r/rrw-r--r--|0|0|1|1700000000|1700000000|1700000001|0",
        "0|/short|18|r/r",
        "   ",
        "0|/big|19|r/rrw-r--r--|0|0|1|9999999999|1|1|1",
        "0|/latin\u00e9|20|r/rrw-r--r--|0|0|1|5|5|5|5",
        "");
    Files.writeString(body, lines, StandardCharsets.ISO_8859_1);
    same(body);
    Path out = tmp.resolve("ours.csv");
    Mactime.write(List.of(body), out);
    assertThat(Files.readString(out, StandardCharsets.ISO_8859_1)).as("zero times").contains("\n0,5,...b,").doesNotContain("Xxx");
  }
}
