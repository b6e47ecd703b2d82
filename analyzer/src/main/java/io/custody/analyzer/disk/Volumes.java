package io.custody.analyzer.disk;

import io.custody.evidence.process.ProcessRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the file systems of an image: the partitions {@code mmls} lists, or the whole image, and their types. */
final class Volumes {

  /**
   * A place that may hold a file system.
   *
   * @param type TSK's file system type (from fsstat), null when TSK cannot read it
   * @param xfs true when it starts with the XFS superblock magic
   */
  record Candidate(String label, long start, long length, int sectorSize, String description, String type, boolean xfs, String note) {}

  private static final Pattern UNITS = Pattern.compile("Units are in (\\d+)-byte sectors");
  private static final Pattern ROW = Pattern.compile("^\\d+:\\s+(\\d+(?::\\d+)?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*(.*)$");
  private static final Pattern FS_TYPE = Pattern.compile("File System Type:\\s*(\\S+)");

  private Volumes() {}

  static List<Candidate> find(Tsk tsk, RawImage image, List<String> notes) {
    List<Candidate> out = new ArrayList<>();
    ProcessRunner.Result mmls = tsk.mmls();
    if (mmls.exit() == 0) {
      Matcher u = UNITS.matcher(mmls.text());
      int sector = u.find() ? Integer.parseInt(u.group(1)) : 512;
      for (String line : mmls.text().split("\n")) {
        Matcher m = ROW.matcher(line.strip());
        if (m.matches()) {
          String slot = m.group(1).replace(':', '-');
          long start = Long.parseLong(m.group(2));
          long len = Long.parseLong(m.group(4));
          out.add(probe(tsk, image, "p" + slot, start, len, sector, m.group(5).strip()));
        }
      }
      if (out.isEmpty()) {
        notes.add("the partition table lists no partitions");
      }
      return out;
    }
    out.add(probe(tsk, image, "disk", 0, image.size() / 512, 512, "whole image (no partition table)"));
    return out;
  }

  private static Candidate probe(Tsk tsk, RawImage image, String label, long start, long len, int sector, String description) {
    ProcessRunner.Result fs = tsk.fsstat(start);
    if (fs.exit() == 0) {
      Matcher t = FS_TYPE.matcher(fs.text());
      return new Candidate(label, start, len, sector, description, t.find() ? t.group(1).toLowerCase(java.util.Locale.ROOT) : "unknown", false, null);
    }
    boolean xfs = magic(image, start * sector, "XFSB");
    String note = xfs ? "XFS: The Sleuth Kit cannot read it"
        : magic(image, start * sector + 512, "LABELONE") ? "an LVM physical volume: not analysed (its logical volumes need activating, read only)"
        : "no file system The Sleuth Kit recognises";
    return new Candidate(label, start, len, sector, description, null, xfs, note);
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
