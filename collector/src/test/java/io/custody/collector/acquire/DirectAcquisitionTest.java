package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.collector.aws.EbsDirectGateway;
import io.custody.evidence.PartialAcquisitionException;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.StorageOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct path against a gateway fake (the seam the issue names): both block sizes (524288 as AWS
 * reports, 512 as the emulator does), checksum failures retried then reported by index, resume.
 */
class DirectAcquisitionTest {

  @TempDir Path home;
  static final SnapshotId SNAP = new SnapshotId("snap-0123456789abcdef0");

  /** A snapshot of a 1 GiB volume whose listed blocks hold the given data. */
  static class FakeEbs implements EbsDirectGateway {
    final int blockSize;
    final Map<Integer, byte[]> blocks = new ConcurrentHashMap<>();
    final Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
    final Set<Integer> corruptUntilRead = ConcurrentHashMap.newKeySet();
    final Set<Integer> alwaysCorrupt = ConcurrentHashMap.newKeySet();

    FakeEbs(int blockSize) {
      this.blockSize = blockSize;
    }

    @Override
    public SnapshotBlocks listBlocks(SnapshotId snapshot) {
      List<Block> list = new ArrayList<>();
      blocks.keySet().stream().sorted().forEach(i -> list.add(new Block(i, "token-" + i)));
      return new SnapshotBlocks(1, blockSize, list);
    }

    @Override
    public BlockData getBlock(SnapshotId snapshot, int index, String token) {
      int n = reads.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
      byte[] data = blocks.get(index).clone();
      String sum = sha(data);
      if (alwaysCorrupt.contains(index) || (corruptUntilRead.contains(index) && n == 1)) {
        data[0] ^= 1; // bytes changed in flight; AWS's checksum is of the original
      }
      return new BlockData(data, sum, "SHA256", blockSize);
    }
  }

  static String sha(byte[] b) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] fullVolume(FakeEbs ebs) {
    byte[] vol = new byte[1 << 30];
    ebs.blocks.forEach((i, d) -> System.arraycopy(d, 0, vol, i * ebs.blockSize, d.length));
    return vol;
  }

  private DirectAcquisition direct(Case kase, FakeEbs ebs) {
    return new DirectAcquisition(kase, ebs, ProgressListener.NONE, new PrintStream(PrintStream.nullOutputStream()), 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {524_288, 512})
  void acquire_eitherBlockSize_rawHashCoversTheWholeVolume(int blockSize) throws Exception {
    FakeEbs ebs = new FakeEbs(blockSize);
    ebs.blocks.put(0, Fixtures.data(blockSize, 1));
    ebs.blocks.put(7, Fixtures.data(blockSize, 2));
    ebs.blocks.put((1 << 30) / blockSize - 1, Fixtures.data(blockSize, 3)); // the last block
    ebs.corruptUntilRead.add(7); // fails once, then verifies
    Case kase = CaseStore.at(home, Fixtures.CLOCK).open("E-" + blockSize, "E", null, null);
    DeviceImager.Result r = direct(kase, ebs).acquire(SNAP, StorageOptions.defaults(), 4);
    assertThat(r.item().size()).isEqualTo(1L << 30);
    assertThat(r.item().hashes().sha256()).isEqualTo(Sha256.digest(fullVolume(ebs)));
    assertThat(ebs.reads.get(7).get()).isEqualTo(2);
    String csv = Files.readString(kase.dir().resolve(r.item().dir()).resolve("ebs-block-sha256.csv"));
    assertThat(csv.lines()).hasSize(1 + 3);
    assertThat(csv).contains("7," + 7L * blockSize + "," + blockSize + ",");
    assertThat(kase.dir().resolve("work").resolve("direct-" + SNAP.value())).doesNotExist();
  }

  @Test
  void badBlock_retriedThenReportedByIndex_nothingImaged_thenResumeFetchesOnlyIt() throws Exception {
    FakeEbs ebs = new FakeEbs(512);
    for (int i = 0; i < 20; i++) {
      ebs.blocks.put(i * 3, Fixtures.data(512, i));
    }
    ebs.alwaysCorrupt.add(9);
    Case kase = CaseStore.at(home, Fixtures.CLOCK).open("E-BAD", "E", null, null);
    assertThatThrownBy(() -> direct(kase, ebs).acquire(SNAP, StorageOptions.defaults(), 3))
        .isInstanceOf(PartialAcquisitionException.class).hasMessageContaining("block 9");
    assertThat(ebs.reads.get(9).get()).isEqualTo(BlockFetch.ATTEMPTS);
    assertThat(kase.items()).isEmpty();

    // The block comes good; a rerun fetches it alone.
    ebs.alwaysCorrupt.clear();
    ebs.reads.clear();
    DeviceImager.Result r = direct(kase, ebs).acquire(SNAP, StorageOptions.defaults(), 3);
    assertThat(ebs.reads).containsOnlyKeys(9);
    assertThat(r.item().hashes().sha256()).isEqualTo(Sha256.digest(fullVolume(ebs)));
  }

  @Test
  void wrongLength_neverWritten() {
    FakeEbs ebs = new FakeEbs(512) {
      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        byte[] half = new byte[256];
        return new BlockData(half, sha(half), "SHA256", 256);
      }
    };
    ebs.blocks.put(0, new byte[512]);
    assertThat(BlockFetch.check(ebs.getBlock(SNAP, 0, "t"), 512)).contains("length 256");
  }
}
