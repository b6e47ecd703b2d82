package io.custody.collector.acquire;

import io.custody.collector.aws.AwsSession;
import io.custody.collector.aws.EbsDirectGateway;
import io.custody.collector.ids.SnapshotId;
import io.custody.evidence.CustodyException;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.PartialAcquisitionException;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code custody acquire disk --snapshot … --method direct}: the EBS direct APIs, no volume. Every
 * listed block is fetched with bounded concurrency, its length checked against the block size the
 * API reports and its SHA-256 against AWS's checksum (retried with backoff, then reported by block
 * index, never written); blocks not listed are zeros. Blocks go into a sparse working image; a rerun
 * fetches only blocks not yet verified. The full logical volume then goes through the hashing engine
 * into the case, with AWS's per-block checksums in {@code ebs-block-sha256.csv}.
 */
public final class DirectAcquisition {

  static final int ATTEMPTS = 4;

  private final Case kase;
  private final EbsDirectGateway ebs;
  private final ProgressListener progress;
  private final PrintStream log;
  private final long backoffMillis;

  public DirectAcquisition(Case kase, AwsSession aws, ProgressListener progress, PrintStream log) {
    this(kase, aws.ebsDirect(), progress, log, 250);
  }

  DirectAcquisition(Case kase, EbsDirectGateway ebs, ProgressListener progress, PrintStream log, long backoffMillis) {
    this.kase = kase;
    this.ebs = ebs;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.log = log;
    this.backoffMillis = backoffMillis;
  }

  /** A block that could not be verified. */
  public record BadBlock(int index, String reason) {}

  public DeviceImager.Result acquire(SnapshotId snapshot, ImageOptions image, int concurrency) {
    if (concurrency < 1 || concurrency > 256) {
      throw new InvalidInputException("Failed to use --concurrency " + concurrency + ": between 1 and 256");
    }
    CustodyEntry intent = kase.log().begin(Event.of("acquired").object(CustodyObject.source(snapshot.value(), "ebs-direct"))
        .notes("reading snapshot " + snapshot + " through the EBS direct APIs (" + concurrency + " at a time)"));
    try {
      EbsDirectGateway.SnapshotBlocks listing = ebs.listBlocks(snapshot);
      if (listing.blockSize() <= 0 || listing.volumeSizeGiB() <= 0) {
        throw new InvalidInputException("Failed to read snapshot '" + snapshot + "': the API reported block size " + listing.blockSize()
            + " and volume size " + listing.volumeSizeGiB() + " GiB");
      }
      long volumeBytes = listing.volumeSizeGiB() << 30;
      Path work = kase.dir().resolve("work").resolve("direct-" + snapshot.value());
      Files.createDirectories(work);
      Path raw = work.resolve("image.raw");
      Path verified = work.resolve("verified.csv");
      Map<Integer, String> done = readVerified(verified);
      List<EbsDirectGateway.Block> todo = listing.blocks().stream().filter(b -> !done.containsKey(b.index())).toList();
      log.println("custody: snapshot " + snapshot + ": " + listing.volumeSizeGiB() + " GiB, block size " + listing.blockSize() + ", "
          + listing.blocks().size() + " blocks listed, " + done.size() + " already verified, " + todo.size() + " to fetch");
      List<BadBlock> bad = fetch(snapshot, listing, todo, raw, volumeBytes, verified, done, concurrency);
      if (bad.isEmpty()) {
        bad = recheck(raw, listing, done, verified);
      }
      if (!bad.isEmpty()) {
        String list = bad.stream().limit(20).map(b -> "block " + b.index() + ": " + b.reason()).toList().toString();
        kase.log().complete(intent, Event.of("acquired").object(CustodyObject.source(snapshot.value(), "ebs-direct"))
            .notes(bad.size() + " block(s) could not be verified (rerun to retry them; verified blocks are kept): " + list), Outcome.PARTIAL);
        throw new PartialAcquisitionException("Failed to read snapshot '" + snapshot + "' completely: " + bad.size()
            + " block(s) failed verification " + list + "; nothing was imaged, rerun to fetch them");
      }
      kase.log().complete(intent, Event.of("acquired").object(CustodyObject.source(snapshot.value(), "ebs-direct"))
          .notes(listing.blocks().size() + " blocks of " + listing.blockSize() + " bytes verified against AWS's SHA-256; "
              + (volumeBytes / listing.blockSize() - listing.blocks().size()) + " unlisted blocks are zeros"), Outcome.SUCCEEDED);
      byte[] csv = checksums(listing, done);
      DeviceImager.Result result;
      try (ReadSource src = ReadSource.open(raw, volumeBytes)) {
        result = DeviceImager.image(kase, src, snapshot.value(), "ebs-direct:" + snapshot + " (" + listing.blocks().size() + " blocks of "
            + listing.blockSize() + " bytes, volume " + listing.volumeSizeGiB() + " GiB)", image, progress, Map.of("ebs-block-sha256.csv", csv));
      }
      deleteWork(work);
      return result;
    } catch (IOException e) {
      kase.log().complete(intent, Event.of("acquired").notes("failed: " + e.getMessage()), Outcome.FAILED);
      throw new HostException("Failed to read snapshot '" + snapshot + "': " + e.getMessage(), e);
    } catch (CustodyException e) {
      if (!(e instanceof PartialAcquisitionException)) {
        kase.log().complete(intent, Event.of("acquired").notes("failed: " + e.getMessage()), Outcome.FAILED);
      }
      throw e;
    }
  }

  private List<BadBlock> fetch(SnapshotId snapshot, EbsDirectGateway.SnapshotBlocks listing, List<EbsDirectGateway.Block> todo, Path raw,
      long volumeBytes, Path verified, Map<Integer, String> done, int concurrency) throws IOException {
    List<BadBlock> bad = Collections.synchronizedList(new ArrayList<>());
    int blockSize = listing.blockSize();
    AtomicLong bytes = new AtomicLong((long) done.size() * blockSize);
    long total = (long) listing.blocks().size() * blockSize;
    try (FileChannel out = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
        Writer ok = Files.newBufferedWriter(verified, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      if (out.size() < volumeBytes) {
        out.write(ByteBuffer.allocate(1), volumeBytes - 1); // the full logical size; the rest stays a hole
      }
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (EbsDirectGateway.Block b : todo) {
          futures.add(pool.submit(() -> {
            long offset = (long) b.index() * blockSize;
            if (b.index() < 0 || offset + blockSize > volumeBytes) {
              bad.add(new BadBlock(b.index(), "index outside the volume"));
              return;
            }
            String problem = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
              try {
                EbsDirectGateway.BlockData d = ebs.getBlock(snapshot, b.index(), b.token());
                problem = check(d, blockSize);
                if (problem == null) {
                  ByteBuffer buf = ByteBuffer.wrap(d.data());
                  while (buf.hasRemaining()) {
                    out.write(buf, offset + buf.position());
                  }
                  synchronized (ok) {
                    ok.write(b.index() + "," + d.checksum() + "\n");
                    ok.flush();
                    done.put(b.index(), d.checksum());
                  }
                  progress.progress(bytes.addAndGet(blockSize), total);
                  return;
                }
              } catch (CustodyException | IOException e) {
                problem = e.getMessage();
              }
              sleep(backoffMillis << (attempt - 1));
            }
            bad.add(new BadBlock(b.index(), problem));
          }));
        }
        for (Future<?> f : futures) {
          try {
            f.get();
          } catch (Exception e) {
            throw new HostException("Failed to fetch blocks of '" + snapshot + "': " + e.getMessage(), e);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      out.force(true);
    }
    bad.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return bad;
  }

  /**
   * Reads every block back from the working image and checks it against AWS's checksum again, so a
   * block lost between runs (a crash before the image reached the disk) is never trusted; such blocks
   * are forgotten, to be fetched again.
   */
  private List<BadBlock> recheck(Path raw, EbsDirectGateway.SnapshotBlocks listing, Map<Integer, String> done, Path verified) throws IOException {
    List<BadBlock> bad = new ArrayList<>();
    int bs = listing.blockSize();
    byte[] buf = new byte[bs];
    try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ)) {
      for (EbsDirectGateway.Block b : listing.blocks()) {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (bb.hasRemaining() && in.read(bb, (long) b.index() * bs + bb.position()) >= 0) {
          // fill
        }
        String problem = check(new EbsDirectGateway.BlockData(buf, done.get(b.index()), "SHA256", bs), bs);
        if (problem != null) {
          bad.add(new BadBlock(b.index(), "working image no longer holds the verified block: " + problem));
          done.remove(b.index());
        }
      }
    }
    if (!bad.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      new TreeMap<>(done).forEach((i, c) -> sb.append(i).append(',').append(c).append('\n'));
      Files.writeString(verified, sb.toString(), StandardCharsets.US_ASCII);
    }
    return bad;
  }

  /** Why a block's bytes cannot be trusted, or null. */
  static String check(EbsDirectGateway.BlockData d, int blockSize) {
    if (d.data().length != blockSize) {
      return "length " + d.data().length + " is not the block size " + blockSize;
    }
    if (d.dataLength() != null && d.dataLength() != blockSize) {
      return "DataLength " + d.dataLength() + " is not the block size " + blockSize;
    }
    if (d.checksumAlgorithm() != null && !"SHA256".equals(d.checksumAlgorithm())) {
      return "unknown checksum algorithm " + d.checksumAlgorithm();
    }
    try {
      byte[] want = Base64.getDecoder().decode(d.checksum());
      byte[] got = MessageDigest.getInstance("SHA-256").digest(d.data());
      return MessageDigest.isEqual(want, got) ? null : "SHA-256 mismatch (AWS " + d.checksum() + ", data " + Base64.getEncoder().encodeToString(got) + ")";
    } catch (IllegalArgumentException | NullPointerException e) {
      return "no valid checksum from AWS";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<Integer, String> readVerified(Path verified) throws IOException {
    Map<Integer, String> out = new HashMap<>();
    if (Files.exists(verified)) {
      for (String line : Files.readAllLines(verified, StandardCharsets.US_ASCII)) {
        int c = line.indexOf(',');
        if (c > 0 && line.endsWith("=")) {
          out.put(Integer.parseInt(line.substring(0, c)), line.substring(c + 1));
        }
      }
    }
    return new java.util.concurrent.ConcurrentHashMap<>(out);
  }

  /** {@code block_index,offset,length,sha256} (hex) of every listed block, as AWS gave them. */
  private static byte[] checksums(EbsDirectGateway.SnapshotBlocks listing, Map<Integer, String> done) {
    StringBuilder sb = new StringBuilder("block_index,offset,length,sha256\n");
    for (var e : new TreeMap<>(done).entrySet()) {
      sb.append(e.getKey()).append(',').append((long) e.getKey() * listing.blockSize()).append(',').append(listing.blockSize()).append(',')
          .append(java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(e.getValue()))).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void deleteWork(Path work) throws IOException {
    try (var s = Files.list(work)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(work);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
