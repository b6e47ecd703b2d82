package io.custody.analyzer.disk;

import io.custody.analyzer.mount.Lvm2;
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
   * @param files where it is read from when not the disk image: the assembled copy of an LVM logical volume of several segments
   */
  record Candidate(String label, long start, long length, int sectorSize, String description, String type, boolean xfs, String note,
      boolean needsRecovery, List<Path> files) {

    Candidate(String label, long start, long length, int sectorSize, String description, String type, boolean xfs, String note,
        boolean needsRecovery) {
      this(label, start, length, sectorSize, description, type, xfs, note, needsRecovery, null);
    }

    Candidate in(List<Path> f) {
      return new Candidate(label, start, length, sectorSize, description, type, xfs, note, needsRecovery, f);
    }
  }

  private static final Pattern NEEDS_RECOVERY = Pattern.compile("(?m)^InCompat Features:.*\\bNeeds Recovery\\b");
  private static final Pattern FS_TYPE = Pattern.compile("File System Type:\\s*(\\S+)");

  private Volumes() {}

  static List<Candidate> find(Tsk tsk, RawImage image, List<String> notes, Path work) {
    List<Candidate> out = new ArrayList<>();
    PartitionTable.Layout layout;
    try (Concatenated disk = new Concatenated(image.files())) {
      try {
        layout = PartitionTable.layout(disk::read, image.size(), "the image");
      } catch (InvalidInputException e) {
        notes.add("partition table: " + e.getMessage() + "; the whole image is probed for a file system instead");
        out.add(probe(tsk, image.files(), "disk", 0, image.size() / 512, 512, "whole image (the partition table is damaged)"));
        return out;
      }
      notes.addAll(layout.notes());
      for (Partition p : layout.partitions()) {
        String label = p.scheme().equals("none") ? "disk" : "p" + p.slot();
        String desc = p.scheme().equals("none") ? "whole image (no partition table)"
            : p.scheme().toUpperCase(java.util.Locale.ROOT) + " partition " + p.slot() + " type " + p.type() + (p.name().isEmpty() ? "" : " \"" + p.name() + "\"");
        long start = p.scheme().equals("none") ? 0 : p.offset();
        long length = p.scheme().equals("none") ? image.size() : p.length();
        if (Lvm2.isPhysicalVolume(disk::read, start)) {
          out.addAll(logicalVolumes(tsk, image, disk, label, desc, start, length, layout.sectorSize(), notes, work));
        } else {
          out.add(probe(tsk, image.files(), label, start / 512, length / 512, layout.sectorSize(), desc));
        }
      }
    } catch (IOException e) {
      throw new HostException("Failed to read the partition table of the image: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      notes.add("the partition table lists no partitions");
    }
    return out;
  }

  /**
   * The logical volumes of the LVM physical volume at {@code start}, read from their extents (no
   * device-mapper): one range is read in place like a partition, several are joined into a copy in
   * the work folder; the PV itself is listed as skipped, with what was found.
   */
  private static List<Candidate> logicalVolumes(Tsk tsk, RawImage image, Concatenated disk, String label, String desc, long start, long length,
      int sector, List<String> notes, Path work) throws IOException {
    List<Candidate> out = new ArrayList<>();
    Lvm2.VolumeGroup vg;
    try {
      java.util.Optional<Lvm2.VolumeGroup> found = Lvm2.read(disk::read, start, length, label);
      if (found.isEmpty()) {
        out.add(new Candidate(label, start / 512, length / 512, sector, desc, null, false, "an LVM physical volume in no volume group", false));
        return out;
      }
      vg = found.get();
    } catch (InvalidInputException e) {
      out.add(new Candidate(label, start / 512, length / 512, sector, desc, null, false, "an LVM physical volume whose metadata cannot be read: "
          + e.getMessage(), false));
      return out;
    }
    notes.addAll(vg.notes().stream().map(n -> label + ": " + n).toList());
    long read = vg.volumes().stream().filter(Lvm2.LogicalVolume::readable).count();
    out.add(new Candidate(label, start / 512, length / 512, sector, desc, null, false, "LVM physical volume of volume group " + vg.name() + " (seqno "
        + vg.seqno() + "): " + read + " of " + vg.volumes().size() + " logical volumes read from their extents, listed after it", false));
    for (Lvm2.LogicalVolume lv : vg.volumes()) {
      String lvLabel = Lvm2.pathLabel(lv);
      String lvDesc = "LVM logical volume " + lv.label() + " on " + label + " (" + lv.ranges().size() + (lv.ranges().size() == 1 ? " extent range)" : " extent ranges, joined)");
      if (!lv.readable()) {
        out.add(new Candidate(lvLabel, 0, lv.size() / 512, sector, "LVM logical volume " + lv.label() + " on " + label, null, false,
            "not read: " + lv.unreadable(), false));
        continue;
      }
      if (lv.ranges().size() == 1) {
        Lvm2.Range r = lv.ranges().get(0);
        out.add(probe(tsk, image.files(), lvLabel, r.offset() / 512, r.length() / 512, sector, lvDesc));
        continue;
      }
      Files.createDirectories(work);
      Path joined = work.resolve(lvLabel + ".raw");
      Lvm2.join(disk::read, lv.ranges(), joined);
      Tsk own = new Tsk(List.of(joined));
      out.add(probe(own, List.of(joined), lvLabel, 0, lv.size() / 512, sector, lvDesc).in(List.of(joined)));
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

  private static Candidate probe(Tsk tsk, List<Path> files, String label, long start, long len, int sector, String description) {
    ProcessRunner.Result fs = tsk.fsstat(start);
    if (fs.exit() == 0) {
      Matcher t = FS_TYPE.matcher(fs.text());
      return new Candidate(label, start, len, sector, description, t.find() ? t.group(1).toLowerCase(java.util.Locale.ROOT) : "unknown", false, null,
          NEEDS_RECOVERY.matcher(fs.text()).find());
    }
    boolean xfs = magic(files, start * 512, "XFSB");
    String note = xfs ? "XFS: The Sleuth Kit cannot read it"
        : "no file system The Sleuth Kit recognises";
    return new Candidate(label, start, len, sector, description, null, xfs, note, false);
  }

  /** True when the bytes at {@code offset} are {@code magic} (ASCII), e.g. the XFS superblock's "XFSB". */
  private static boolean magic(List<Path> files, long offset, String magic) {
    long at = offset;
    for (Path p : files) {
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
