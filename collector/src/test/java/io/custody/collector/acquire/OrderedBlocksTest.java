package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.collector.acquire.DirectAcquisition.BadBlock;
import io.custody.collector.acquire.OrderedBlocks.Obtained;
import io.custody.collector.aws.EbsDirectGateway.Block;
import io.custody.evidence.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reorder window on its own: volume order whatever order blocks finish in, a bounded window, failures that end the stream. */
@Timeout(60)
class OrderedBlocksTest {

  static final int BS = 512;
  final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Listed blocks at scattered indexes of a volume of {@code blocksInVolume} blocks. */
  static Map<Integer, byte[]> listed(int count, int blocksInVolume) {
    Map<Integer, byte[]> m = new ConcurrentHashMap<>();
    for (int i = 0; i < count; i++) {
      int index = (int) ((long) i * 7919 % blocksInVolume);
      m.put(index, Fixtures.data(BS, index));
    }
    return m;
  }

  static List<Block> blocks(Map<Integer, byte[]> data) {
    return data.keySet().stream().sorted().map(i -> new Block(i, "t" + i)).toList();
  }

  static byte[] plain(Map<Integer, byte[]> data, int blocksInVolume) {
    byte[] vol = new byte[blocksInVolume * BS];
    data.forEach((i, d) -> System.arraycopy(d, 0, vol, i * BS, BS));
    return vol;
  }

  /** Reads in odd-sized chunks so that block and zero runs are split across reads. */
  static byte[] readAll(OrderedBlocks in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1000];
    int n;
    while ((n = in.read(buf, 0, buf.length)) >= 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void read_blocksFinishOutOfOrder_streamIsTheVolumeInOrder_windowNeverExceeded() throws Exception {
    int blocksInVolume = 4096;
    Map<Integer, byte[]> data = listed(300, blocksInVolume);
    List<Integer> finished = Collections.synchronizedList(new ArrayList<>());
    Function<Block, Obtained> work = b -> {
      sleep(b.index() * 31 % 7); // scrambled: later blocks often finish first
      finished.add(b.index());
      return Obtained.verified(data.get(b.index()).clone());
    };
    OrderedBlocks in = new OrderedBlocks(blocks(data), BS, (long) blocksInVolume * BS, 24, pool, work);
    assertThat(readAll(in)).isEqualTo(plain(data, blocksInVolume));
    assertThat(finished).as("blocks finished out of order").isNotEqualTo(finished.stream().sorted().toList()).hasSize(300);
    assertThat(in.mostHeld()).isEqualTo(24);
  }

  @Test
  void read_noBlockListed_allZerosWithoutWork() throws Exception {
    OrderedBlocks in = new OrderedBlocks(List.of(), BS, 100L * BS, 4, pool, b -> {
      throw new AssertionError("nothing to obtain");
    });
    assertThat(readAll(in)).isEqualTo(new byte[100 * BS]);
  }

  @Test
  void read_headBlockSlow_noMoreThanTheWindowIsObtained() throws Exception {
    Map<Integer, byte[]> data = listed(200, 1000);
    CountDownLatch head = new CountDownLatch(1);
    Set<Integer> started = ConcurrentHashMap.newKeySet();
    int first = blocks(data).get(0).index();
    OrderedBlocks in = new OrderedBlocks(blocks(data), BS, 1000L * BS, 6, pool, b -> {
      started.add(b.index());
      if (b.index() == first) {
        await(head);
      }
      return Obtained.verified(data.get(b.index()));
    });
    Thread reader = new Thread(() -> {
      try {
        readAll(in);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    reader.start();
    waitFor(() -> started.size() >= 6);
    Thread.sleep(300); // time for fetchers to overrun the window, were it not bounded
    assertThat(started).hasSize(6);
    head.countDown();
    reader.join();
    assertThat(started).hasSize(200);
    assertThat(in.mostHeld()).isEqualTo(6);
  }

  @Test
  void read_blockNotVerified_endsTheStream_drainObtainsTheRestAndListsEveryFailure() throws Exception {
    Map<Integer, byte[]> data = listed(50, 1000);
    List<Block> blocks = blocks(data);
    int bad1 = blocks.get(3).index();
    int bad2 = blocks.get(40).index();
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    OrderedBlocks in = new OrderedBlocks(blocks, BS, 1000L * BS, 8, pool, b -> {
      calls.computeIfAbsent(b.index(), k -> new AtomicInteger()).incrementAndGet();
      return b.index() == bad1 || b.index() == bad2 ? Obtained.failed("SHA-256 mismatch") : Obtained.verified(data.get(b.index()));
    });
    assertThatThrownBy(() -> readAll(in)).isInstanceOf(IOException.class).hasMessageContaining("block " + bad1 + " could not be verified");
    assertThat(in.stoppedByBadBlock()).isTrue();
    assertThat(in.drain()).containsExactly(new BadBlock(bad1, "SHA-256 mismatch"), new BadBlock(bad2, "SHA-256 mismatch"));
    assertThat(calls).hasSize(50).allSatisfy((i, n) -> assertThat(n.get()).isEqualTo(1));
    assertThat(in.mostHeld()).isLessThanOrEqualTo(8);
  }

  @Test
  void read_workFailsOutright_failsTheStreamInsteadOfHanging() {
    Map<Integer, byte[]> data = listed(50, 1000);
    int broken = blocks(data).get(10).index();
    OrderedBlocks in = new OrderedBlocks(blocks(data), BS, 1000L * BS, 8, pool, b -> {
      if (b.index() == broken) {
        throw new IllegalStateException("working image gone");
      }
      return Obtained.verified(data.get(b.index()));
    });
    assertThatThrownBy(() -> readAll(in)).isInstanceOf(IOException.class).hasMessageContaining("block " + broken)
        .hasMessageContaining("working image gone");
    assertThat(in.stoppedByBadBlock()).isFalse();
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 20 s");
      }
      Thread.sleep(10);
    }
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
