package io.custody.evidence.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HashingEngineTest {

  @Test
  void hash_knownVectors_matchFips180() throws IOException {
    HashingEngine e = HashingEngine.builder().add(HashAlgorithm.MD5).add(HashAlgorithm.SHA1).build();
    HashResult empty = e.hash(InputStream.nullInputStream());
    assertThat(empty.size()).isZero();
    assertThat(empty.hashes().sha256().hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(empty.hashes().md5()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(empty.hashes().sha1()).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    HashResult abc = e.hash(new ByteArrayInputStream("abc".getBytes()));
    assertThat(abc.hashes().sha256().hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(abc.hashes().md5()).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
    assertThat(abc.hashes().sha1()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
  }

  @Test
  void hash_sha256Only_computesNoOtherDigest() throws IOException {
    HashResult r = HashingEngine.sha256().hash(new ByteArrayInputStream(new byte[10]));
    assertThat(r.hashes().md5()).isNull();
    assertThat(r.hashes().sha1()).isNull();
    assertThat(r.pieces()).isEmpty();
  }

  @Test
  void hash_manyBuffersAndOddReads_equalsSingleDigest() throws IOException {
    byte[] data = Fixtures.data(3_000_017, 7);
    // A stream that returns short reads of odd sizes, as pipes and devices do.
    InputStream dribble = new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 7919));
      }
    };
    HashResult r = HashingEngine.builder().add(HashAlgorithm.MD5).add(HashAlgorithm.SHA1).bufferSize(65536).buffers(3).build().hash(dribble);
    assertThat(r.size()).isEqualTo(data.length);
    assertThat(r.hashes().sha256().hex()).isEqualTo(hex("SHA-256", data, 0, data.length));
    assertThat(r.hashes().md5()).isEqualTo(hex("MD5", data, 0, data.length));
    assertThat(r.hashes().sha1()).isEqualTo(hex("SHA-1", data, 0, data.length));
  }

  @Test
  void hash_pieceSizeNotMultipleOfBuffer_piecesCoverEveryByte() throws IOException {
    byte[] data = Fixtures.data(1_000_003, 11);
    long pieceSize = 99_991; // prime, so pieces straddle buffer boundaries
    HashResult r = HashingEngine.builder().pieceSize(pieceSize).bufferSize(65536).build().hash(new ByteArrayInputStream(data));
    List<Piece> pieces = r.pieces();
    assertThat(pieces).hasSize((int) ((data.length + pieceSize - 1) / pieceSize));
    long offset = 0;
    for (Piece p : pieces) {
      assertThat(p.offset()).isEqualTo(offset);
      assertThat(p.sha256().hex()).isEqualTo(hex("SHA-256", data, (int) p.offset(), (int) p.length()));
      offset += p.length();
    }
    assertThat(offset).isEqualTo(data.length);
    assertThat(pieces.get(pieces.size() - 1).length()).isEqualTo(data.length % pieceSize);
  }

  @Test
  void hash_exactMultipleOfPiece_noEmptyTrailingPiece() throws IOException {
    HashResult r = HashingEngine.builder().pieceSize(4096).build().hash(new ByteArrayInputStream(new byte[8192]));
    assertThat(r.pieces()).extracting(Piece::length).containsExactly(4096L, 4096L);
  }

  @Test
  void hash_emptyInputWithPieces_oneEmptyPiece() throws IOException {
    HashResult r = HashingEngine.builder().pieceSize(4096).build().hash(InputStream.nullInputStream());
    assertThat(r.pieces()).hasSize(1);
    assertThat(r.pieces().get(0).sha256()).isEqualTo(Sha256.digest(new byte[0]));
  }

  @Test
  void hash_sinkSeesEveryByteInOrder() throws IOException {
    byte[] data = Fixtures.data(777_777, 5);
    java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
    AtomicBoolean finished = new AtomicBoolean();
    ChunkSink sink = new ChunkSink() {
      @Override
      public void accept(byte[] buffer, int length, long offset) {
        assertThat(offset).isEqualTo(seen.size());
        seen.write(buffer, 0, length);
      }

      @Override
      public void finish() {
        finished.set(true);
      }

      @Override
      public void abort() {}
    };
    HashingEngine.builder().bufferSize(4096).buffers(2).build().hash(new ByteArrayInputStream(data), sink, data.length, ProgressListener.NONE);
    assertThat(seen.toByteArray()).isEqualTo(data);
    assertThat(finished).isTrue();
  }

  @Test
  void hash_failingSink_failsSessionAndAbortsOthers() {
    AtomicBoolean aborted = new AtomicBoolean();
    ChunkSink failing = new ChunkSink() {
      @Override
      public void accept(byte[] buffer, int length, long offset) throws IOException {
        if (offset > 100_000) {
          throw new IOException("disk full");
        }
      }

      @Override
      public void finish() {}

      @Override
      public void abort() {
        aborted.set(true);
      }
    };
    byte[] data = new byte[5_000_000];
    assertThatThrownBy(() -> HashingEngine.builder().bufferSize(65536).buffers(2).build()
        .hash(new ByteArrayInputStream(data), failing, -1, ProgressListener.NONE))
        .isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(aborted).isTrue();
  }

  @Test
  void hash_failingInput_failsSession() {
    InputStream broken = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (++n > 10_000) {
          throw new IOException("Input/output error");
        }
        return 1;
      }
    };
    assertThatThrownBy(() -> HashingEngine.sha256().hash(broken)).hasMessage("Input/output error");
  }

  @Test
  void hash_progress_reachesTotal() throws IOException {
    AtomicLong last = new AtomicLong();
    byte[] data = new byte[1 << 20];
    HashingEngine.builder().bufferSize(65536).build().hash(new ByteArrayInputStream(data), null, data.length, (d, t) -> {
      assertThat(t).isEqualTo(data.length);
      last.set(d);
    });
    assertThat(last.get()).isEqualTo(data.length);
  }

  @Test
  void session_updateInPieces_equalsOneShot() throws IOException {
    byte[] data = Fixtures.data(300_000, 9);
    try (HashingSession s = HashingEngine.builder().bufferSize(8192).build().open()) {
      List<Integer> cuts = new ArrayList<>(List.of(0, 1, 4095, 8192, 8193, 100_000, 300_000));
      for (int i = 0; i + 1 < cuts.size(); i++) {
        s.update(data, cuts.get(i), cuts.get(i + 1) - cuts.get(i));
      }
      assertThat(s.finish().hashes().sha256().hex()).isEqualTo(hex("SHA-256", data, 0, data.length));
    }
  }

  private static String hex(String alg, byte[] data, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance(alg);
      md.update(Arrays.copyOfRange(data, off, off + len));
      return HexFormat.of().formatHex(md.digest());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
