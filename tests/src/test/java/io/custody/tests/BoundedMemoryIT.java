package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Run;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 20 GiB input with -Xmx256m: memory is bounded whatever the input size. The input is a sparse
 * file of zeros (so the test needs no 20 GiB of disk); its SHA-256 was computed with openssl.
 */
class BoundedMemoryIT {

  private static final long SIZE = 20L << 30;
  private static final String SHA256_OF_20_GIB_OF_ZEROS = "6cb118a8f8b3c19385874297e291dcbcdf3a9837ba1ca7b00ace2491adbff551";

  @TempDir Path tmp;

  @Test
  void caseAdd_20GiB_withXmx256m_segmentsAndHashes() throws Exception {
    Path sparse = tmp.resolve("zeros.img");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(SIZE);
    }
    Cli cli = new Cli(tmp.resolve("home")).env("CUSTODY_JAVA_OPTS", "-Xmx256m");
    assertThat(cli.custody("case", "open", "--case", "BIG", "--examiner", "E").exit()).isZero();
    Run add = cli.custody("case", "add", "--case", "BIG", "--type", "disk", "--source-id", "vol-0big", "--json", sparse.toString());
    assertThat(add.exit()).as(add.toString()).isZero();
    JsonNode item = Json.mapper().readTree(add.out());
    assertThat(item.get("size").asLong()).isEqualTo(SIZE);
    assertThat(item.get("hashes").get("sha256").asText()).isEqualTo(SHA256_OF_20_GIB_OF_ZEROS);
    assertThat(item.get("segments")).hasSize(20);
  }
}
