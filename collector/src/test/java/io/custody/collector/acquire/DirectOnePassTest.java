package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.collector.acquire.DirectAcquisitionTest.FakeEbs;
import io.custody.evidence.HostException;
import io.custody.evidence.PartialAcquisitionException;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct path in one pass: blocks finishing in any order give the plain image's hash, each block
 * is fetched once, the working image is read only for blocks an earlier run verified (counted through
 * {@link WorkingImage.Reader}), the window bounds what is fetched ahead, and failures on either side
 * stop the other without hanging.
 */
@Timeout(120)
class DirectOnePassTest {

  static final SnapshotId SNAP = DirectAcquisitionTest.SNAP;
  static final int BS = 65_536;

  @TempDir Path home;

  /** Counts what is read back from the working image. */
  static final class CountingReader implements WorkingImage.Reader {
    final AtomicInteger opens = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public ReadSource open(Path image, long size) throws IOException {
      opens.incrementAndGet();
      ReadSource src = ReadSource.open(image, size);
      return new ReadSource() {
        @Override
        public long size() {
          return size;
        }

        @Override
        public int read(long offset, byte[] b, int off, int len) throws IOException {
          int n = src.read(offset, b, off, len);
          bytes.addAndGet(Math.max(n, 0));
          return n;
        }

        @Override
        public void close() throws IOException {
          src.close();
        }
      };
    }
  }

  /** {@code count} blocks at scattered indexes of the 1 GiB volume. */
  static FakeEbs ebs(FakeEbs ebs, int count) {
    int inVolume = (1 << 30) / ebs.blockSize;
    for (int i = 0; i < count; i++) {
      int index = (int) ((long) i * 7919 % inVolume);
      ebs.blocks.put(index, Fixtures.data(ebs.blockSize, index));
    }
    return ebs;
  }

  /** SHA-256 of the plain 1 GiB image, computed block by block. */
  static Sha256 plainSha256(FakeEbs ebs) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] zeros = new byte[ebs.blockSize];
    for (int i = 0; i < (1 << 30) / ebs.blockSize; i++) {
      md.update(ebs.blocks.getOrDefault(i, zeros));
    }
    return Sha256.of(md.digest());
  }

  private Case kase(String id) {
    return CaseStore.at(home, Fixtures.CLOCK).open(id, "E", null, null);
  }

  private static DirectAcquisition direct(Case kase, FakeEbs ebs, WorkingImage.Reader reader, ProgressListener progress) {
    return new DirectAcquisition(kase, ebs, progress, new PrintStream(PrintStream.nullOutputStream()), 1, reader);
  }

  private static Path work(Case kase) {
    return kase.dir().resolve("work").resolve("direct-" + SNAP.value());
  }

  /** The "acquired" entries: seq, outcome and the intent an outcome answers. */
  private static List<String> acquired(Case kase) {
    return kase.log().verify().entries().stream().filter(e -> e.event().equals("acquired"))
        .map(e -> e.seq() + " " + e.outcome().label() + (e.refersTo() == null ? "" : " of " + e.refersTo())).toList();
  }

  private static CustodyEntry last(Case kase) {
    List<CustodyEntry> all = kase.log().verify().entries();
    return all.get(all.size() - 1);
  }

  @Test
  void acquire_blocksFinishOutOfOrder_plainImageHash_eachBlockFetchedOnce_workingImageNeverRead() throws Exception {
    List<Integer> finished = Collections.synchronizedList(new ArrayList<>());
    FakeEbs ebs = ebs(new FakeEbs(BS) {
      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        OrderedBlocksTest.sleep(index * 31L % 7); // scrambled delays: blocks finish out of order
        BlockData d = super.getBlock(snapshot, index, token);
        finished.add(index);
        return d;
      }
    }, 300);
    CountingReader reader = new CountingReader();
    Case kase = kase("E-ORDER");
    DeviceImager.Result r = direct(kase, ebs, reader, ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 8);
    assertThat(r.item().hashes().sha256()).isEqualTo(plainSha256(ebs));
    assertThat(finished).as("finished out of order").isNotEqualTo(finished.stream().sorted().toList());
    assertThat(ebs.reads).containsOnlyKeys(ebs.blocks.keySet()).allSatisfy((i, n) -> assertThat(n.get()).as("fetches of block %d", i).isEqualTo(1));
    assertThat(reader.opens.get()).as("working image opened for reading").isZero();
    assertThat(reader.bytes.get()).as("bytes read from the working image").isZero();
    assertThat(Files.readString(kase.dir().resolve(r.item().dir()).resolve("ebs-block-sha256.csv")).lines()).hasSize(301);
    assertThat(r.item().origin()).isEqualTo("ebs-direct:" + SNAP + " (300 blocks of " + BS + " bytes, volume 1 GiB)");
    assertThat(acquired(kase)).containsExactly("2 intent", "3 intent", "4 succeeded of 3", "5 succeeded of 2");
    assertThat(work(kase)).doesNotExist();
  }

  @Test
  void acquire_headBlockStuck_noMoreThanTheWindowIsFetched() throws Exception {
    CountDownLatch head = new CountDownLatch(1);
    Set<Integer> started = ConcurrentHashMap.newKeySet();
    FakeEbs ebs = ebs(new FakeEbs(BS) {
      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        started.add(index);
        if (index == 0) {
          OrderedBlocksTest.await(head);
        }
        return super.getBlock(snapshot, index, token);
      }
    }, 500);
    int window = DirectAcquisition.window(4, BS);
    assertThat(window).isEqualTo(16);
    Case kase = kase("E-WINDOW");
    AtomicReference<DeviceImager.Result> result = new AtomicReference<>();
    Thread t = new Thread(() -> result.set(direct(kase, ebs, new CountingReader(), ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4)));
    t.start();
    OrderedBlocksTest.waitFor(() -> started.size() >= window);
    Thread.sleep(300); // time for the fetchers to run ahead, were the window not bounded
    assertThat(started).as("blocks fetched while the first is stuck").hasSize(window);
    head.countDown();
    t.join();
    assertThat(result.get().item().hashes().sha256()).isEqualTo(plainSha256(ebs));
  }

  @Test
  void rerun_afterFailedBlocks_readsBackOnlyTheVerifiedBlocks_fetchesOnlyTheFailedOnes() throws Exception {
    FakeEbs ebs = ebs(new FakeEbs(BS), 100);
    List<Integer> indexes = new TreeMap<>(ebs.blocks).keySet().stream().toList();
    int bad = indexes.get(5);
    int late = indexes.get(90); // far beyond the window when the stream stops at the first
    ebs.alwaysCorrupt.addAll(List.of(bad, late));
    Case kase = kase("E-RESUME");
    assertThatThrownBy(() -> direct(kase, ebs, new CountingReader(), ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4))
        .isInstanceOf(PartialAcquisitionException.class).hasMessageContaining("2 block(s)")
        .hasMessageContaining("block " + bad + ": SHA-256 mismatch").hasMessageContaining("block " + late + ": SHA-256 mismatch");
    // Every other block was still fetched and kept; the item was begun, then removed and recorded as failed.
    assertThat(ebs.reads).containsOnlyKeys(ebs.blocks.keySet());
    assertThat(Files.readAllLines(work(kase).resolve("verified.csv"))).hasSize(98)
        .noneMatch(l -> l.startsWith(bad + ",") || l.startsWith(late + ","));
    assertThat(kase.items()).isEmpty();
    assertThat(kase.interruptedItems()).isEmpty();
    assertThat(kase.dir().resolve("data/disk/" + SNAP.value())).doesNotExist();
    assertThat(acquired(kase)).containsExactly("2 intent", "3 intent", "4 failed of 3", "5 partial of 2");
    assertThat(kase.log().verify().entries().get(3).notes()).contains("block " + bad + " could not be verified", "partial files removed");
    assertThat(last(kase).notes()).contains("block " + bad + ": SHA-256 mismatch", "block " + late + ": SHA-256 mismatch", "rerun");
    assertThat(kase.log().verify().problems()).isEmpty();

    ebs.alwaysCorrupt.clear();
    ebs.reads.clear();
    CountingReader reader = new CountingReader();
    DeviceImager.Result r = direct(kase, ebs, reader, ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4);
    assertThat(ebs.reads).containsOnlyKeys(bad, late);
    assertThat(reader.bytes.get()).as("bytes read back: the 98 verified blocks, once").isEqualTo(98L * BS);
    assertThat(r.item().hashes().sha256()).isEqualTo(plainSha256(ebs));
    assertThat(Files.readString(kase.dir().resolve(r.item().dir()).resolve("ebs-block-sha256.csv")).lines()).hasSize(101);
    assertThat(work(kase)).doesNotExist();
  }

  @Test
  void rerun_workingImageBlockDamaged_isFetchedAgain() throws Exception {
    FakeEbs ebs = ebs(new FakeEbs(BS), 20);
    List<Integer> indexes = new TreeMap<>(ebs.blocks).keySet().stream().toList();
    int bad = indexes.get(5);
    int damaged = indexes.get(12);
    ebs.alwaysCorrupt.add(bad);
    Case kase = kase("E-DAMAGED");
    assertThatThrownBy(() -> direct(kase, ebs, new CountingReader(), ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4))
        .isInstanceOf(PartialAcquisitionException.class);
    // What a crash before the page cache reached the disk leaves: a listed block that no longer holds its bytes.
    try (FileChannel ch = FileChannel.open(work(kase).resolve("image.raw"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[BS]), (long) damaged * BS);
    }
    ebs.alwaysCorrupt.clear();
    ebs.reads.clear();
    CountingReader reader = new CountingReader();
    DeviceImager.Result r = direct(kase, ebs, reader, ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4);
    assertThat(ebs.reads).containsOnlyKeys(bad, damaged);
    assertThat(reader.bytes.get()).isEqualTo(19L * BS);
    assertThat(r.item().hashes().sha256()).isEqualTo(plainSha256(ebs));
  }

  @Test
  void pipelineFails_fetchersStop_verifiedBlocksKeptForTheRerun() throws Exception {
    FakeEbs ebs = ebs(new FakeEbs(512), 2000);
    AtomicInteger calls = new AtomicInteger();
    FakeEbs counted = new FakeEbs(512) {
      @Override
      public SnapshotBlocks listBlocks(SnapshotId snapshot) {
        return ebs.listBlocks(snapshot);
      }

      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        calls.incrementAndGet();
        return ebs.getBlock(snapshot, index, token);
      }
    };
    Case kase = kase("E-DISKFULL");
    ProgressListener diskFull = (done, total) -> {
      throw new UncheckedIOException(new IOException("No space left on device"));
    };
    assertThatThrownBy(() -> direct(kase, counted, new CountingReader(), diskFull).acquire(SNAP, StorageOptions.defaults(), 4))
        .hasMessageContaining("No space left on device");
    int fetched = calls.get();
    Thread.sleep(200);
    assertThat(calls.get()).as("fetches after the acquisition returned").isEqualTo(fetched);
    // The first 4 MiB of the stream reach only the first blocks; the window bounds what was fetched beyond them.
    assertThat(fetched).isLessThan(2000).isLessThanOrEqualTo(40);
    // A fetcher interrupted while appending may leave a torn last line; the rerun skips it as WorkingImage does.
    List<String> kept = Files.readAllLines(work(kase).resolve("verified.csv")).stream().filter(l -> l.endsWith("=")).toList();
    assertThat(kept).isNotEmpty().hasSizeLessThanOrEqualTo(fetched);
    assertThat(acquired(kase)).containsExactly("2 intent", "3 intent", "4 failed of 3", "5 failed of 2");
    assertThat(kase.items()).isEmpty();

    ebs.reads.clear();
    CountingReader reader = new CountingReader();
    DeviceImager.Result r = direct(kase, ebs, reader, ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4);
    assertThat(ebs.reads).hasSize(2000 - kept.size());
    assertThat(reader.bytes.get()).isEqualTo(512L * kept.size());
    assertThat(r.item().hashes().sha256()).isEqualTo(plainSha256(ebs));
  }

  @Test
  void fetcherThrows_retriedThenReportedByIndex() throws Exception {
    FakeEbs ebs = ebs(new FakeEbs(BS) {
      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        if (index == 7919) {
          reads.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
          throw new IllegalStateException("connection reset");
        }
        return super.getBlock(snapshot, index, token);
      }
    }, 30);
    Case kase = kase("E-THROWS");
    assertThatThrownBy(() -> direct(kase, ebs, new CountingReader(), ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4))
        .isInstanceOf(PartialAcquisitionException.class).hasMessageContaining("block 7919: connection reset");
    assertThat(ebs.reads.get(7919).get()).isEqualTo(BlockFetch.ATTEMPTS);
    assertThat(ebs.reads).hasSize(30);
  }

  @Test
  void fetcherDiesOutright_failsTheAcquisitionInsteadOfHanging() throws Exception {
    FakeEbs ebs = ebs(new FakeEbs(BS) {
      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        if (index == 7919) {
          throw new AssertionError("fetcher died");
        }
        return super.getBlock(snapshot, index, token);
      }
    }, 30);
    Case kase = kase("E-DIES");
    assertThatThrownBy(() -> direct(kase, ebs, new CountingReader(), ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4))
        .isInstanceOf(HostException.class).hasMessageContaining("block 7919").hasMessageContaining("fetcher died");
    assertThat(acquired(kase)).containsExactly("2 intent", "3 intent", "4 failed of 3", "5 failed of 2");
    assertThat(Files.readAllLines(work(kase).resolve("verified.csv"))).isNotEmpty();
  }

  @Test
  void interrupted_whileWaitingForABlock_stopsTheFetchers_keepsTheInterrupt_recordsTheFailure() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch stuck = new CountDownLatch(1);
    AtomicReference<String> fetcherSaw = new AtomicReference<>();
    FakeEbs ebs = ebs(new FakeEbs(BS) {
      @Override
      public BlockData getBlock(SnapshotId snapshot, int index, String token) {
        if (index == 0) {
          stuck.countDown();
          try {
            never.await();
          } catch (InterruptedException e) {
            fetcherSaw.set("interrupted");
            throw new IllegalStateException("aborted", e);
          }
        }
        return super.getBlock(snapshot, index, token);
      }
    }, 50);
    Case kase = kase("E-INT");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        direct(kase, ebs, new CountingReader(), ProgressListener.NONE).acquire(SNAP, StorageOptions.defaults(), 4);
      } catch (Throwable e) {
        thrown.set(e);
      }
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    t.start();
    stuck.await();
    Thread.sleep(100);
    t.interrupt();
    t.join(20_000);
    assertThat(t.isAlive()).as("acquisition still running after the interrupt").isFalse();
    assertThat(thrown.get()).isInstanceOf(HostException.class).hasMessageContaining("interrupted");
    assertThat(stillInterrupted.get()).as("interrupt status kept").isTrue();
    assertThat(fetcherSaw.get()).as("the stuck fetch was stopped").isEqualTo("interrupted");
    assertThat(acquired(kase)).containsExactly("2 intent", "3 intent", "4 failed of 3", "5 failed of 2");
    assertThat(kase.log().verify().problems()).isEmpty();
    assertThat(kase.items()).isEmpty();
  }
}
