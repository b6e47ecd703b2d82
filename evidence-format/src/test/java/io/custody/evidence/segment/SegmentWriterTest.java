package io.custody.evidence.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentWriterTest {

  @TempDir Path dir;

  private List<Segment> write(SegmentWriter w, byte[] data) throws IOException {
    HashResult r = HashingEngine.builder().pieceSize(w.pieceSize()).bufferSize(65536).build()
        .hash(new ByteArrayInputStream(data), w, data.length, ProgressListener.NONE);
    return w.segments(r.pieces());
  }

  @Test
  void segmented_zstd_eachFileIsAFrameAndJoinedReproducesTheInput() throws IOException {
    byte[] data = Fixtures.data(250_000, 3);
    List<Segment> segs = write(SegmentWriter.segmented(dir, "image.raw", Compression.ZSTD, 100_000), data);
    assertThat(segs).extracting(Segment::file).containsExactly("image.raw.zst.000001", "image.raw.zst.000002", "image.raw.zst.000003");
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    long offset = 0;
    for (Segment s : segs) {
      byte[] stored = Files.readAllBytes(dir.resolve(s.file()));
      assertThat(Sha256.digest(stored)).isEqualTo(s.storedSha256());
      assertThat((long) stored.length).isEqualTo(s.storedSize());
      byte[] raw;
      try (InputStream z = new ZstdInputStream(new ByteArrayInputStream(stored))) {
        raw = z.readAllBytes();
      }
      assertThat(Sha256.digest(raw)).isEqualTo(s.sha256());
      assertThat(s.offset()).isEqualTo(offset);
      assertThat((long) raw.length).isEqualTo(s.length());
      offset += raw.length;
      joined.write(raw);
    }
    assertThat(joined.toByteArray()).isEqualTo(data);
  }

  @Test
  void segmented_none_storedHashIsRawHash() throws IOException {
    byte[] data = Fixtures.data(70_000, 4);
    List<Segment> segs = write(SegmentWriter.segmented(dir, "memory.lime", Compression.NONE, 65_536), data);
    assertThat(segs).hasSize(2);
    for (Segment s : segs) {
      assertThat(s.storedSha256()).isEqualTo(s.sha256());
      assertThat(Sha256.digest(Files.readAllBytes(dir.resolve(s.file())))).isEqualTo(s.sha256());
    }
    assertThat(segs.get(0).file()).isEqualTo("memory.lime.000001");
  }

  @Test
  void single_keepsTheName() throws IOException {
    byte[] data = "{}".getBytes();
    List<Segment> segs = write(SegmentWriter.single(dir, "instance.json", Compression.NONE), data);
    assertThat(segs).singleElement().extracting(Segment::file).isEqualTo("instance.json");
    assertThat(Files.readAllBytes(dir.resolve("instance.json"))).isEqualTo(data);
  }

  @Test
  void emptyInput_oneEmptySegment() throws IOException {
    List<Segment> segs = write(SegmentWriter.segmented(dir, "image.raw", Compression.ZSTD, 4096), new byte[0]);
    assertThat(segs).singleElement().satisfies(s -> assertThat(s.length()).isZero());
    try (InputStream z = new ZstdInputStream(Files.newInputStream(dir.resolve(segs.get(0).file())))) {
      assertThat(z.readAllBytes()).isEmpty();
    }
  }

  @Test
  void abort_removesWhatItWrote() throws IOException {
    SegmentWriter w = SegmentWriter.segmented(dir, "image.raw", Compression.ZSTD, 10);
    w.accept(new byte[25], 25, 0);
    try (var s = Files.list(dir)) {
      assertThat(s.count()).isEqualTo(3);
    }
    w.abort();
    try (var s = Files.list(dir)) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void existingFile_isNeverOverwritten() throws IOException {
    Files.writeString(dir.resolve("image.raw.000001"), "original");
    SegmentWriter w = SegmentWriter.segmented(dir, "image.raw", Compression.NONE, 10);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.accept(new byte[5], 5, 0))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThat(Files.readString(dir.resolve("image.raw.000001"))).isEqualTo("original");
  }

  @Test
  void names_indexOf() {
    assertThat(SegmentNames.indexOf("image.raw.zst.000012")).isEqualTo(12);
    assertThat(SegmentNames.indexOf("image.raw.000001")).isEqualTo(1);
    assertThat(SegmentNames.indexOf("image.raw.sha256")).isEqualTo(-1);
  }
}
