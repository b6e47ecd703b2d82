package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.testing.Run;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence from elsewhere through bin/custody: plaso's split E01 in (exit 0, its stored MD5 matched),
 * analysed and exported back out as E01 (ewfverify run here agrees) and raw; a damaged E01 in is
 * exit 1 with the item kept; an AFF4 is refused with exit 2.
 */
class ContainersCliIT {

  @TempDir Path tmp;

  @Test
  void e01_in_analysed_out_asE01AndRaw_damagedE01Exit1_aff4Exit2() throws Exception {
    Cli cli = new Cli(tmp.resolve("home"));
    assertThat(cli.custody("case", "open", "--case", "EWF-1", "--examiner", "Jane Examiner").exit()).isZero();
    Run in = cli.custody("case", "add", "--case", "EWF-1", Corpus.path("disk/plaso/image-split.E01").toString(), "--type", "disk",
        "--source-id", "vol-0e01", "--json");
    assertThat(in.exit()).as(in.toString()).isZero();
    JsonNode added = Json.mapper().readTree(in.out());
    assertThat(added.path("item").path("hashes").path("md5").asText()).isEqualTo("38ea5af8a80e16e46c095c9110242fc0");
    assertThat(added.path("container").path("stored_hashes").get(0).path("match").asBoolean()).isTrue();
    String id = added.path("item").path("id").asText();

    Run analysed = cli.custody("analyze", "disk", "--case", "EWF-1", "--item", id, "--work-dir", tmp.resolve("work").toString());
    assertThat(analysed.exit()).as(analysed.toString()).isZero();
    assertThat(analysed.out()).contains("p5       ext2");

    Run e01 = cli.custody("export", "--case", "EWF-1", "--item", id, "--format", "e01", "--out", tmp.resolve("out/web-1").toString());
    assertThat(e01.exit()).as(e01.toString()).isZero();
    Run verify = Run.of(tmp, Map.of(), List.of("ewfverify", "-q", tmp.resolve("out/web-1.E01").toString()));
    assertThat(verify.out()).contains("MD5 hash calculated over data:\t\t38ea5af8a80e16e46c095c9110242fc0", "ewfverify: SUCCESS");
    Run raw = cli.custody("export", "--case", "EWF-1", "--item", id, "--format", "raw", "--out", tmp.resolve("out/web-1.raw").toString(), "--json");
    assertThat(raw.exit()).as(raw.toString()).isZero();
    assertThat(Json.mapper().readTree(raw.out()).path("sha256").asText()).isEqualTo(added.path("item").path("hashes").path("sha256").asText());
    Run again = cli.custody("export", "--case", "EWF-1", "--item", id, "--format", "raw", "--out", tmp.resolve("out/web-1.raw").toString());
    assertThat(again.exit()).as("never overwrites").isEqualTo(2);

    // a chunk of a copy damaged: read, kept, and exit 1
    Path dir = Files.createDirectories(tmp.resolve("damaged"));
    Files.copy(Corpus.path("disk/plaso/image-split.E01"), dir.resolve("d.E01"));
    Files.copy(Corpus.path("disk/plaso/image-split.E02"), dir.resolve("d.E02"));
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("d.E01").toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4, 5, 6, 7, 8});
    }
    Run bad = cli.custody("case", "add", "--case", "EWF-1", dir.resolve("d.E01").toString(), "--type", "disk", "--source-id", "vol-0bad");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.out()).contains("INTEGRITY");

    Path aff4 = Files.write(tmp.resolve("x.aff4"), java.util.Arrays.copyOf("PK\u0003\u0004....information.turtle".getBytes(
        java.nio.charset.StandardCharsets.ISO_8859_1), 4096));
    Run refused = cli.custody("case", "add", "--case", "EWF-1", aff4.toString(), "--type", "disk", "--source-id", "vol-0aff4");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("AFF4", "--type other");
  }
}
