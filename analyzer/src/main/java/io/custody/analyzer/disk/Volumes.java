package io.custody.analyzer.disk;

import io.custody.analyzer.mount.Partition;
import io.custody.analyzer.mount.PartitionTable;
import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.process.ProcessRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the file systems of an image: the partitions its table lists ({@link PartitionTable}, the
 * reader {@code custody mount} uses too, so both see the same partitions, sector size and errors),
 * or the whole image, and their types. TSK is then given each partition's offset in 512-byte units,
 * which holds for 4096-byte-sector disks as well (their partitions start on 4096-byte boundaries).
 */
final class Volumes {

  /**
   * A place that may hold a file system.
   *
   * @param start its offset in 512-byte units (TSK's {@code -o})
   * @param length its length in 512-byte units
   * @param sectorSize the logical sector size of the disk's partition table
   * @param type TSK's file system type (from fsstat), null when TSK cannot read it
   * @param xfs true when it starts with the XFS superblock magic
   * @param needsRecovery an ext3/4 file system whose journal holds transactions not yet applied (fsstat's "Needs Recovery")
   */
  record Candidate(String label, long start, long length, int sectorSize, String description, String type, boolean xfs, String note,
      boolean needsRecovery) {}

  private static final Pattern NEEDS_RECOVERY = Pattern.compile("(?m)^InCompat Features:.*\\bNeeds Recovery\\b");
  private static final Pattern FS_TYPE = Pattern.compile("File System Type:\\s*(\\S+)");

  private Volumes() {}

  static List<Candidate> find(Tsk tsk, RawImage image, List<String> notes) {
    List<Candidate> out = new ArrayList<>();
    PartitionTable.Layout layout;
    try (Concatenated disk = new Concatenated(image.files())) {
      layout = PartitionTable.layout(disk::read, image.size(), "the image");
    } catch (InvalidInputException e) {
      notes.add("partition table: " + e.getMessage() + "; the whole image is probed for a file system instead");
      out.add(probe(tsk, image, "disk", 0, image.size() / 512, 512, "whole image (the partition table is damaged)"));
      return out;
    } catch (IOException e) {
      throw new HostException("Failed to read the partition table of the image: " + e.getMessage(), e);
    }
    notes.addAll(layout.notes());
    for (Partition p : layout.partitions()) {
      if (p.scheme().equals("none")) {
        out.add(probe(tsk, image, "disk", 0, image.size() / 512, 512, "whole image (no partition table)"));
      } else {
        String desc = p.scheme().toUpperCase(java.util.Locale.ROOT) + " partition " + p.slot() + " type " + p.type()
            + (p.name().isEmpty() ? "" : " \"" + p.name() + "\"");
        out.add(probe(tsk, image, "p" + p.slot(), p.offset() / 512, p.length() / 512, layout.sectorSize(), desc));
      }
    }
    if (out.isEmpty()) {
      notes.add("the partition table lists no partitions");
    }
    return out;
  }

  /** The image's files as one disk, read at any position (a stored image may be split). */
  private static final class Concatenated implements AutoCloseable {
    private final List<FileChannel> files = new ArrayList<>();
    private final List<Long> starts = new ArrayList<>();

    Concatenated(List<Path> paths) throws IOException {
      long at = 0;
      try {
        for (Path p : paths) {
          FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
          files.add(ch);
          starts.add(at);
          at += ch.size();
        }
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    int read(ByteBuffer into, long position) throws IOException {
      for (int i = files.size() - 1; i >= 0; i--) {
        if (position >= starts.get(i)) {
          FileChannel ch = files.get(i);
          long within = position - starts.get(i);
          if (within >= ch.size()) {
            return -1;
          }
          int limit = into.limit();
          into.limit((int) Math.min(limit, into.position() + (ch.size() - within)));
          try {
            return ch.read(into, within);
          } finally {
            into.limit(limit);
          }
        }
      }
      return -1;
    }

    @Override
    public void close() {
      for (FileChannel ch : files) {
        try {
          ch.close();
        } catch (IOException e) {
          // read-only: nothing to lose
        }
      }
    }
  }

  private static Candidate probe(Tsk tsk, RawImage image, String label, long start, long len, int sector, String description) {
    ProcessRunner.Result fs = tsk.fsstat(start);
    if (fs.exit() == 0) {
      Matcher t = FS_TYPE.matcher(fs.text());
      return new Candidate(label, start, len, sector, description, t.find() ? t.group(1).toLowerCase(java.util.Locale.ROOT) : "unknown", false, null,
          NEEDS_RECOVERY.matcher(fs.text()).find());
    }
    boolean xfs = magic(image, start * 512, "XFSB");
    String note = xfs ? "XFS: The Sleuth Kit cannot read it"
        : magic(image, start * 512 + 512, "LABELONE") ? "an LVM physical volume: not analysed (its logical volumes need activating, read only)"
        : "no file system The Sleuth Kit recognises";
    return new Candidate(label, start, len, sector, description, null, xfs, note, false);
  }

  /** True when the bytes at {@code offset} are {@code magic} (ASCII), e.g. the XFS superblock's "XFSB". */
  private static boolean magic(RawImage image, long offset, String magic) {
    long at = offset;
    for (Path p : image.files()) {
      try {
        long size = Files.size(p);
        if (at >= size) {
          at -= size;
          continue;
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
          byte[] b = new byte[magic.length()];
          f.seek(at);
          return f.read(b) == b.length && new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).equals(magic);
        }
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
