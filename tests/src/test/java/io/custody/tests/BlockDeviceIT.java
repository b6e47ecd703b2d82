package io.custody.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.custody.evidence.Json;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing and acquiring a real block device (a read-only loop device). Root only: skipped, with
 * that reason, when not root.
 */
class BlockDeviceIT {

  @TempDir Path tmp;
  String device;

  @BeforeEach
  void attachLoopDevice() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
    Path image = Files.write(tmp.resolve("disk.img"), Fixtures.data(3 << 20, 17));
    Run r = Run.of(null, "losetup", "--find", "--show", "--read-only", image.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    device = r.out().trim();
  }

  @AfterEach
  void detach() {
    if (device != null) {
      Run.of(null, "losetup", "-d", device);
    }
  }

  @Test
  void hashAndAdd_fromABlockDevice_matchSha256sum() throws Exception {
    String expected = Run.of(null, "sha256sum", device).out().substring(0, 64);
    Cli cli = new Cli(tmp.resolve("home"));
    Run hash = cli.custody("hash", device, "--json");
    assertThat(hash.exit()).as(hash.toString()).isZero();
    assertThat(Json.mapper().readTree(hash.out()).get("sha256").asText()).isEqualTo(expected);
    assertThat(cli.custody("case", "open", "--case", "DEV", "--examiner", "E").exit()).isZero();
    Run add = cli.custody("case", "add", "--case", "DEV", "--type", "disk", "--source-id", "vol-0dev", "--segment-size", "1M", "--json", device);
    assertThat(add.exit()).as(add.toString()).isZero();
    JsonNode item = Json.mapper().readTree(add.out());
    assertThat(item.get("hashes").get("sha256").asText()).isEqualTo(expected);
    assertThat(item.get("size").asLong()).isEqualTo(3 << 20);
    assertThat(item.get("origin").asText()).isEqualTo("file:" + device);
  }
}
