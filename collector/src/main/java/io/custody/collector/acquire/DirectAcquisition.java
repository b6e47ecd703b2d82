package io.custody.collector.acquire;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.EbsDirectGateway.Block;
import io.custody.collector.aws.EbsDirectGateway.SnapshotBlocks;
import io.custody.collector.aws.EbsDirectGateway;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.PartialAcquisitionException;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.ids.SnapshotId;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.PendingItem;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code custody acquire disk --snapshot … --method direct}: the EBS direct APIs, no volume, one pass.
 * Listed blocks are fetched with bounded concurrency, each checked against the block size the API
 * reports and AWS's SHA-256 (retried with backoff, then reported by block index, never used), and
 * flow as they arrive, in volume order through a bounded window ({@link #window}), into the hashing
 * engine and the item's segments; blocks not listed are zeros. AWS's per-block checksums go into
 * {@code ebs-block-sha256.csv}.
 *
 * <p>Every verified block is also written to a sparse working image, read only by a rerun: after a
 * failed or killed run, blocks verified before are read back from it and checked again (a block lost
 * in a crash is fetched again), the others fetched. Blocks that fail make the acquisition partial
 * ({@link PartialAcquisitionException}, nothing stored in the case, the rest of the volume still
 * fetched for the rerun).
 */
public final class DirectAcquisition {

  /** The most block bytes the reorder window holds, unless the concurrency alone needs more. */
  static final long WINDOW_BYTES = 64L << 20;
  static final String CHECKSUMS = "ebs-block-sha256.csv";

  private final Case kase;
  private final EbsDirectGateway ebs;
  private final ProgressListener progress;
  private final PrintStream log;
  private final long backoffMillis;
  private final WorkingImage.Reader reader;

  public DirectAcquisition(Case kase, AwsSession aws, ProgressListener progress, PrintStream log) {
    this(kase, aws.ebsDirect(), progress, log, 250);
  }

  DirectAcquisition(Case kase, EbsDirectGateway ebs, ProgressListener progress, PrintStream log, long backoffMillis) {
    this(kase, ebs, progress, log, backoffMillis, ReadSource::open);
  }

  DirectAcquisition(Case kase, EbsDirectGateway ebs, ProgressListener progress, PrintStream log, long backoffMillis, WorkingImage.Reader reader) {
    this.kase = kase;
    this.ebs = ebs;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.log = log;
    this.backoffMillis = backoffMillis;
    this.reader = reader;
  }

  /** A block that could not be verified. */
  public record BadBlock(int index, String reason) {}

  /** The listing, split into the blocks to read and those that cannot be inside the volume. */
  private record Plan(SnapshotId snapshot, SnapshotBlocks listing, List<Block> inVolume, List<BadBlock> outside) {
    int blockSize() {
      return listing.blockSize();
    }

    long volumeBytes() {
      return listing.volumeSizeGiB() << 30;
    }

    String origin() {
      return "ebs-direct:" + snapshot + " (" + listing.blocks().size() + " blocks of " + blockSize() + " bytes, volume "
          + listing.volumeSizeGiB() + " GiB)";
    }
  }

  /**
   * Reads the snapshot into a new item of the case.
   *
   * @throws PartialAcquisitionException when blocks could not be verified (listed by index; rerun to retry them)
   * @throws HostException when the working image or the item cannot be written
   */
  public DeviceImager.Result acquire(SnapshotId snapshot, StorageOptions image, int concurrency) {
    checkConcurrency(concurrency);
    CustodyEntry intent = kase.log().begin(Event.of("acquired").object(source(snapshot))
        .notes("reading snapshot " + snapshot + " through the EBS direct APIs (" + concurrency + " at a time)"));
    try {
      Plan plan = plan(snapshot);
      DeviceImager.Result result;
      try (WorkingImage work = WorkingImage.open(workDir(snapshot), plan.volumeBytes(), plan.blockSize(), reader)) {
        say(plan, work);
        result = readInOnePass(plan, work, image, concurrency, intent);
      }
      WorkingImage.remove(workDir(snapshot));
      succeeded(intent, plan);
      return result;
    } catch (PartialAcquisitionException e) {
      throw e;
    } catch (IOException e) {
      failed(intent, e);
      throw new HostException("Failed to read snapshot '" + snapshot + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      failed(intent, e);
      throw e;
    }
  }

  /** Fetches, verifies and images in one pass; the fetchers are stopped whatever happens. */
  private DeviceImager.Result readInOnePass(Plan plan, WorkingImage work, StorageOptions image, int concurrency, CustodyEntry intent)
      throws IOException {
    ExecutorService pool = fetchers(concurrency);
    BlockFetch fetch = new BlockFetch(ebs, plan.snapshot(), plan.blockSize(), work, backoffMillis);
    try {
      OrderedBlocks blocks = new OrderedBlocks(plan.inVolume(), plan.blockSize(), plan.volumeBytes(), window(concurrency, plan.blockSize()),
          pool, fetch::obtain);
      Optional<DeviceImager.Result> imaged = plan.outside().isEmpty() ? imageWhileFetching(plan, blocks, work, image) : Optional.empty();
      if (imaged.isEmpty()) {
        List<BadBlock> bad = new ArrayList<>(plan.outside());
        bad.addAll(blocks.drain());
        throw partial(intent, plan, bad);
      }
      return imaged.get();
    } finally {
      fetch.stop();
      stop(pool);
    }
  }

  /** The item, or empty when a block that could not be verified stopped the stream (the item is then closed as failed). */
  private Optional<DeviceImager.Result> imageWhileFetching(Plan plan, OrderedBlocks blocks, WorkingImage work, StorageOptions image) {
    try (PendingItem pending = kase.begin(image.spec(ItemType.DISK, plan.snapshot().value(), "image.raw", plan.origin()))) {
      if (write(pending, blocks, plan) == null) {
        return Optional.empty();
      }
      addChecksums(pending, plan, work);
      return Optional.of(new DeviceImager.Result(pending.commit(Outcome.SUCCEEDED, null), List.of()));
    }
  }

  /** Streams the volume into the item; null when a block that could not be verified stopped it. */
  private HashResult write(PendingItem pending, OrderedBlocks blocks, Plan plan) {
    HashResult r;
    try {
      r = pending.write(blocks, plan.volumeBytes(), progress);
    } catch (IOException e) {
      boolean interrupted = Thread.interrupted(); // the item's failure must still reach the custody log
      if (blocks.stoppedByBadBlock() && !interrupted) {
        pending.fail(e.getMessage() + "; blocks verified so far are kept in the working image for a rerun");
        return null;
      }
      if (interrupted && !(e instanceof InterruptedIOException)) {
        e = (IOException) new InterruptedIOException("interrupted: " + e.getMessage()).initCause(e);
      }
      throw new HostException("Failed to image snapshot '" + plan.snapshot() + "': " + e.getMessage(), e);
    }
    if (r.size() != plan.volumeBytes()) {
      pending.fail("read " + r.size() + " bytes of " + plan.volumeBytes());
      throw new HostException("Failed to image snapshot '" + plan.snapshot() + "': read " + r.size() + " of " + plan.volumeBytes() + " bytes");
    }
    return r;
  }

  /**
   * How many blocks the reorder window holds at most: four per fetcher, so that one slow block does
   * not idle the others, within {@link #WINDOW_BYTES} but never fewer than there are fetchers.
   */
  static int window(int concurrency, int blockSize) {
    long fits = Math.max(1, WINDOW_BYTES / blockSize);
    return (int) Math.max(concurrency, Math.min(4L * concurrency, fits));
  }

  private Plan plan(SnapshotId snapshot) {
    SnapshotBlocks listing = ebs.listBlocks(snapshot);
    if (listing.blockSize() <= 0 || listing.volumeSizeGiB() <= 0) {
      throw new InvalidInputException("Failed to read snapshot '" + snapshot + "': the API reported block size " + listing.blockSize()
          + " and volume size " + listing.volumeSizeGiB() + " GiB");
    }
    long blocksInVolume = (listing.volumeSizeGiB() << 30) / listing.blockSize();
    TreeMap<Integer, Block> inVolume = new TreeMap<>(); // volume order; a block listed twice is read once
    List<BadBlock> outside = new ArrayList<>();
    for (Block b : listing.blocks()) {
      if (b.index() >= 0 && b.index() < blocksInVolume) {
        inVolume.putIfAbsent(b.index(), b);
      } else {
        outside.add(new BadBlock(b.index(), "index outside the volume"));
      }
    }
    return new Plan(snapshot, listing, List.copyOf(inVolume.values()), outside);
  }

  private void say(Plan plan, WorkingImage work) {
    long kept = plan.inVolume().stream().filter(b -> work.checksum(b.index()) != null).count();
    log.println("custody: snapshot " + plan.snapshot() + ": " + plan.listing().volumeSizeGiB() + " GiB, block size " + plan.blockSize() + ", "
        + plan.listing().blocks().size() + " blocks listed, " + kept + " already verified, " + (plan.listing().blocks().size() - kept)
        + " to fetch");
  }

  private Path workDir(SnapshotId snapshot) {
    return kase.dir().resolve("work").resolve("direct-" + snapshot.value());
  }

  private static ExecutorService fetchers(int concurrency) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "custody-ebs-fetch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Stops the fetchers (interrupting any still running) and waits for them, so none writes to a closed working image. */
  private void stop(ExecutorService pool) {
    pool.shutdownNow();
    boolean interrupted = Thread.interrupted();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        log.println("custody: block fetches still running 30 s after the acquisition stopped; left to end on their own");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void succeeded(CustodyEntry intent, Plan plan) {
    kase.log().complete(intent, Event.of("acquired").object(source(plan.snapshot()))
        .notes(plan.listing().blocks().size() + " blocks of " + plan.blockSize() + " bytes verified against AWS's SHA-256; "
            + (plan.volumeBytes() / plan.blockSize() - plan.listing().blocks().size()) + " unlisted blocks are zeros"), Outcome.SUCCEEDED);
  }

  private PartialAcquisitionException partial(CustodyEntry intent, Plan plan, List<BadBlock> bad) {
    String list = bad.stream().limit(20).map(b -> "block " + b.index() + ": " + b.reason()).toList().toString();
    kase.log().complete(intent, Event.of("acquired").object(source(plan.snapshot()))
        .notes(bad.size() + " block(s) could not be verified (rerun to retry them; verified blocks are kept): " + list), Outcome.PARTIAL);
    return new PartialAcquisitionException("Failed to read snapshot '" + plan.snapshot() + "' completely: " + bad.size()
        + " block(s) failed verification " + list + "; nothing was imaged, rerun to fetch them");
  }

  /** Records the failure; an interrupt is set aside while the custody log is written (its file channels would close on it) and kept. */
  private void failed(CustodyEntry intent, Exception e) {
    boolean interrupted = Thread.interrupted() || causedByInterrupt(e);
    try {
      kase.log().complete(intent, Event.of("acquired").notes("failed: " + e.getMessage()), Outcome.FAILED);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean causedByInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  private static void checkConcurrency(int concurrency) {
    if (concurrency < 1 || concurrency > 256) {
      throw new InvalidInputException("Failed to use --concurrency " + concurrency + ": between 1 and 256");
    }
  }

  private static CustodyObject source(SnapshotId snapshot) {
    return CustodyObject.source(snapshot.value(), "ebs-direct");
  }

  /** {@code block_index,offset,length,sha256} (hex) of every listed block, as AWS gave them. */
  private static void addChecksums(PendingItem pending, Plan plan, WorkingImage work) {
    StringBuilder sb = new StringBuilder("block_index,offset,length,sha256\n");
    for (Block b : plan.inVolume()) {
      sb.append(b.index()).append(',').append((long) b.index() * plan.blockSize()).append(',').append(plan.blockSize()).append(',')
          .append(HexFormat.of().formatHex(Base64.getDecoder().decode(work.checksum(b.index())))).append('\n');
    }
    try {
      pending.addFile(CHECKSUMS, sb.toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      pending.fail("could not add " + CHECKSUMS + ": " + e.getMessage());
      throw new HostException("Failed to add " + CHECKSUMS + " to '" + plan.snapshot() + "': " + e.getMessage(), e);
    }
  }
}
