package io.custody.analyzer.mount;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LVM2 read from the bytes of a physical volume, without LVM's tools or device-mapper: the PV label,
 * the metadata area's current text, and from it where each logical volume's extents lie on this disk.
 * Linear logical volumes (one or several segments of one stripe, on this physical volume) can then be
 * read like partitions; everything else (striped over several PVs, thin, RAID, mirror, cache, VDO,
 * snapshot stores) is reported with the reason, for device-mapper activation where it exists.
 *
 * <p>The on-disk format follows LVM2's {@code lib/format_text/layout.h} and {@code label.h}: a
 * {@code LABELONE} label in one of the first four sectors, the PV header after it (PV UUID, device
 * size, data areas, metadata areas), each metadata area starting with an {@code mda_header} ({@code "
 * LVM2 x[5A%r0N*>"}) whose first {@code raw_locn} points at the current metadata text in a circular
 * buffer. The text's checksum (LVM's CRC-32 seeded with 0xf597a6cf) is checked; metadata that fails
 * it is reported and not used. Every size is bounded and every offset checked against the volume:
 * the input is evidence, possibly crafted.
 */
public final class Lvm2 {

  /** The largest metadata text read (LVM's default metadata area is 1 MiB). */
  static final int MAX_TEXT = 4 << 20;

  private static final int SECTOR = 512;
  private static final int MDA_HEADER = 512;
  private static final byte[] MDA_MAGIC = " LVM2 x[5A%r0N*>".getBytes(StandardCharsets.US_ASCII);
  private static final int INITIAL_CRC = 0xf597a6cf;
  private static final int MAX_AREAS = 16;
  private static final int MAX_SEGMENTS = 4096;

  /** One stretch of a logical volume on the disk: {@code length} bytes at disk offset {@code offset}. */
  public record Range(long offset, long length) {}

  /**
   * A logical volume and where its bytes lie on this disk, or why they cannot be read from it.
   *
   * @param ranges in logical order; empty when {@code unreadable} says why
   * @param size the logical volume's size in bytes
   */
  public record LogicalVolume(String vg, String name, long size, List<Range> ranges, String unreadable) {

    public boolean readable() {
      return unreadable == null;
    }

    public String label() {
      return vg + "/" + name;
    }
  }

  /**
   * A volume group as this physical volume's metadata describes it.
   *
   * @param pvCount how many physical volumes the group has (more than one: it spans other disks)
   * @param notes what an examiner should know (other PVs, hidden LVs, metadata problems)
   */
  public record VolumeGroup(String name, long seqno, int pvCount, List<LogicalVolume> volumes, List<String> notes) {}

  private Lvm2() {}

  /** True when the volume at {@code start} carries an LVM2 PV label. */
  public static boolean isPhysicalVolume(PartitionTable.Source disk, long start) throws IOException {
    return findLabel(disk, start) >= 0;
  }

  /**
   * Reads the volume group of the physical volume at {@code start} ({@code length} bytes) of the disk.
   *
   * @return empty when there is no PV label or the PV holds no metadata (an orphan PV)
   * @throws InvalidInputException when the label or metadata is malformed, naming the offset
   */
  public static Optional<VolumeGroup> read(PartitionTable.Source disk, long start, long length, String name) throws IOException {
    long label = findLabel(disk, start);
    if (label < 0) {
      return Optional.empty();
    }
    ByteBuffer l = readAt(disk, label, SECTOR, name);
    int contents = l.getInt(20);
    if (contents < 32 || contents > SECTOR - 48) {
      throw bad(name, label + 20, "the PV label's header offset " + Integer.toUnsignedString(contents) + " lies outside its sector");
    }
    String pvUuid = ascii(l, contents, 32);
    int at = contents + 40;
    List<long[]> data = new ArrayList<>();
    List<long[]> metadata = new ArrayList<>();
    for (List<long[]> list : List.of(data, metadata)) {
      for (int n = 0; ; n++) {
        if (at + 16 > SECTOR || n > MAX_AREAS) {
          throw bad(name, label + at, "the PV header's list of areas does not end within its sector");
        }
        long off = l.getLong(at);
        long size = l.getLong(at + 8);
        at += 16;
        if (off == 0 && size == 0) {
          break;
        }
        list.add(new long[] {off, size});
      }
    }
    String failure = null;
    for (long[] mda : metadata) {
      if (mda[0] < 0 || mda[0] + MDA_HEADER > length) {
        failure = "a metadata area at PV offset " + mda[0] + " lies outside the volume";
        continue;
      }
      try {
        Optional<String> text = metadataText(disk, start, mda[0], mda[1], length, name);
        if (text.isPresent()) {
          return Optional.of(volumeGroup(text.get(), pvUuid, start, length, name));
        }
      } catch (InvalidInputException e) {
        failure = e.getMessage();
      }
    }
    if (failure != null) {
      throw new InvalidInputException(failure);
    }
    return Optional.empty();
  }

  /** The label's disk offset, or -1: LVM writes it in sector 1, and looks in the first four. */
  private static long findLabel(PartitionTable.Source disk, long start) throws IOException {
    for (int s = 0; s < 4; s++) {
      ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (disk.read(b, start + (long) s * SECTOR + b.position()) <= 0) {
          break;
        }
      }
      byte[] a = b.array();
      if (new String(a, 0, 8, StandardCharsets.ISO_8859_1).equals("LABELONE") && new String(a, 24, 8, StandardCharsets.ISO_8859_1).equals("LVM2 001")) {
        return start + (long) s * SECTOR;
      }
    }
    return -1;
  }

  private static Optional<String> metadataText(PartitionTable.Source disk, long pvStart, long mdaOffset, long mdaSize, long length, String name)
      throws IOException {
    long headerAt = pvStart + mdaOffset;
    ByteBuffer h = readAt(disk, headerAt, MDA_HEADER, name);
    byte[] magic = new byte[16];
    h.get(4, magic);
    if (!java.util.Arrays.equals(magic, MDA_MAGIC)) {
      throw bad(name, headerAt + 4, "no LVM2 metadata area header (magic) where the PV header says one is");
    }
    int crc = crc(INITIAL_CRC, h.array(), 4, MDA_HEADER - 4);
    if (crc != h.getInt(0)) {
      throw bad(name, headerAt, "the metadata area header fails its checksum");
    }
    long size = h.getLong(32);
    if (size < MDA_HEADER * 2L || size > mdaSize && mdaSize > 0 || mdaOffset + size > length) {
      throw bad(name, headerAt + 32, "the metadata area's size " + size + " does not fit the volume");
    }
    long offset = h.getLong(40);
    long textSize = h.getLong(48);
    int textCrc = h.getInt(56);
    int flags = h.getInt(60);
    if (offset == 0 && textSize == 0 || (flags & 1) != 0) {
      return Optional.empty(); // no metadata written, or this area is ignored
    }
    if (offset < MDA_HEADER || offset >= size || textSize <= 0 || textSize > MAX_TEXT || textSize > size - MDA_HEADER) {
      throw bad(name, headerAt + 40, "the current metadata (offset " + offset + ", " + textSize + " bytes) lies outside its area");
    }
    byte[] text = new byte[(int) textSize];
    long first = Math.min(textSize, size - offset);
    readInto(disk, headerAt + offset, text, 0, (int) first, name);
    if (first < textSize) {
      readInto(disk, headerAt + MDA_HEADER, text, (int) first, (int) (textSize - first), name); // the circular buffer wraps
    }
    if (crc(INITIAL_CRC, text, 0, text.length) != textCrc) {
      throw bad(name, headerAt + offset, "the volume group metadata fails its checksum (" + textSize + " bytes)");
    }
    int end = text.length;
    while (end > 0 && text[end - 1] == 0) {
      end--;
    }
    return Optional.of(new String(text, 0, end, StandardCharsets.UTF_8));
  }

  /** The volume group in the metadata text, and where each logical volume lies on this PV. */
  static VolumeGroup volumeGroup(String text, String pvUuid, long pvStart, long pvLength, String name) {
    Map<String, Object> top = LvmText.parse(text, name);
    Map<String, Object> vg = null;
    String vgName = null;
    for (Map.Entry<String, Object> e : top.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m) {
        vgName = e.getKey();
        vg = cast(m);
        break;
      }
    }
    if (vg == null) {
      throw new InvalidInputException("Failed to read the LVM metadata of " + name + ": it holds no volume group");
    }
    List<String> notes = new ArrayList<>();
    long extentSectors = number(vg, "extent_size", name);
    if (extentSectors <= 0 || extentSectors > (1L << 32)) {
      throw new InvalidInputException("Failed to read volume group " + Printable.of(vgName) + " of " + name + ": extent_size " + extentSectors);
    }
    long extent = extentSectors * SECTOR;
    Map<String, Object> pvs = section(vg, "physical_volumes");
    String thisPv = null;
    long peStart = 0;
    long peCount = 0;
    for (Map.Entry<String, Object> e : pvs.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m) {
        Map<String, Object> pv = cast(m);
        String id = String.valueOf(pv.getOrDefault("id", "")).replace("-", "");
        if (id.equals(pvUuid)) {
          thisPv = e.getKey();
          long peStartSectors = number(pv, "pe_start", name);
          peCount = number(pv, "pe_count", name);
          if (peStartSectors < 0 || peStartSectors > pvLength / SECTOR || peCount < 0 || peCount > (pvLength - peStartSectors * SECTOR) / extent) {
            throw new InvalidInputException("Failed to read volume group " + Printable.of(vgName) + " of " + name + ": its physical volume's "
                + "extents (pe_start " + peStartSectors + ", pe_count " + peCount + ") do not fit the volume of " + pvLength + " bytes");
          }
          peStart = peStartSectors * SECTOR;
        }
      }
    }
    if (thisPv == null) {
      throw new InvalidInputException("Failed to read volume group " + Printable.of(vgName) + " of " + name
          + ": its metadata does not list this physical volume (UUID " + Printable.of(pvUuid) + ")");
    }
    if (pvs.size() > 1) {
      notes.add("volume group " + Printable.of(vgName) + " spans " + pvs.size() + " physical volumes; this disk holds " + Printable.of(thisPv)
          + ": logical volumes with extents on the others are not read from this disk alone (add those disks to the case and "
          + "analyse each; joining a volume group across items is not built)");
    }
    List<LogicalVolume> out = new ArrayList<>();
    Map<String, Object> lvs = vg.get("logical_volumes") instanceof Map<?, ?> m ? cast(m) : Map.of();
    for (Map.Entry<String, Object> e : lvs.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> m)) {
        continue;
      }
      Map<String, Object> lv = cast(m);
      List<Object> status = lv.get("status") instanceof List<?> s ? new ArrayList<>(s) : List.of();
      if (!status.contains("VISIBLE")) {
        notes.add("logical volume " + Printable.of(vgName + "/" + e.getKey()) + " is internal (not visible): not read by itself");
        continue;
      }
      out.add(logicalVolume(Printable.of(vgName), Printable.of(e.getKey()), lv, thisPv, peStart, peCount, extent, pvStart, pvLength, name));
    }
    long seqno = vg.get("seqno") instanceof Long s ? s : -1;
    return new VolumeGroup(Printable.of(vgName), seqno, pvs.size(), out, notes);
  }

  private static LogicalVolume logicalVolume(String vg, String lvName, Map<String, Object> lv, String thisPv, long peStart, long peCount,
      long extent, long pvStart, long pvLength, String name) {
    List<Map<String, Object>> segments = new ArrayList<>();
    for (Map.Entry<String, Object> e : lv.entrySet()) {
      if (e.getKey().startsWith("segment") && e.getValue() instanceof Map<?, ?> m) {
        segments.add(cast(m));
        if (segments.size() > MAX_SEGMENTS) {
          return new LogicalVolume(vg, lvName, 0, List.of(), "more than " + MAX_SEGMENTS + " segments");
        }
      }
    }
    segments.sort(Comparator.comparingLong(s -> s.get("start_extent") instanceof Long l ? l : Long.MAX_VALUE));
    List<Range> ranges = new ArrayList<>();
    long next = 0;
    long size = 0;
    for (Map<String, Object> s : segments) {
      long startExtent = number(s, "start_extent", name);
      long count = number(s, "extent_count", name);
      String type = String.valueOf(s.getOrDefault("type", "?"));
      if (startExtent != next || count <= 0 || count > Long.MAX_VALUE / 2 / extent - size / extent) {
        return new LogicalVolume(vg, lvName, size, List.of(), "its segments do not follow one another (extent " + startExtent + " after " + next + ")");
      }
      next = startExtent + count;
      size += count * extent;
      if (!type.equals("striped")) {
        return new LogicalVolume(vg, lvName, size, List.of(), "a " + Printable.of(type) + " segment needs device-mapper to be read");
      }
      long stripes = number(s, "stripe_count", name);
      List<?> list = s.get("stripes") instanceof List<?> l ? l : List.of();
      if (stripes != 1 || list.size() != 2) {
        return new LogicalVolume(vg, lvName, size, List.of(), "striped over " + stripes + " physical volumes: reading striped volumes is not built");
      }
      if (!thisPv.equals(list.get(0))) {
        return new LogicalVolume(vg, lvName, size, List.of(), "it has extents on physical volume " + Printable.of(String.valueOf(list.get(0)))
            + ", which is another disk");
      }
      long pvExtent = list.get(1) instanceof Long x ? x : -1;
      if (pvExtent < 0 || pvExtent > peCount || count > peCount - pvExtent) {
        return new LogicalVolume(vg, lvName, size, List.of(), "its extents " + pvExtent + "+" + count + " lie outside the " + peCount
            + " extents of the physical volume");
      }
      long offset = peStart + pvExtent * extent;
      long length = count * extent;
      if (offset + length > pvLength) {
        return new LogicalVolume(vg, lvName, size, List.of(), "its extents end at byte " + (offset + length) + " of a physical volume of "
            + pvLength + " bytes (the disk is truncated?)");
      }
      Range r = new Range(pvStart + offset, length);
      Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && last.offset() + last.length() == r.offset()) {
        ranges.set(ranges.size() - 1, new Range(last.offset(), last.length() + r.length())); // adjacent on disk too
      } else {
        ranges.add(r);
      }
    }
    if (ranges.isEmpty()) {
      return new LogicalVolume(vg, lvName, 0, List.of(), "it has no segments");
    }
    return new LogicalVolume(vg, lvName, size, ranges, null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static Map<String, Object> section(Map<String, Object> parent, String key) {
    return parent.get(key) instanceof Map<?, ?> m ? cast(m) : new LinkedHashMap<>();
  }

  private static long number(Map<String, Object> section, String key, String name) {
    if (section.get(key) instanceof Long l) {
      return l;
    }
    throw new InvalidInputException("Failed to read the LVM metadata of " + name + ": '" + key + "' is missing or not a number");
  }

  private static String ascii(ByteBuffer b, int at, int n) {
    byte[] a = new byte[n];
    b.get(at, a);
    return Printable.of(new String(a, StandardCharsets.ISO_8859_1));
  }

  private static ByteBuffer readAt(PartitionTable.Source disk, long at, int n, String name) throws IOException {
    byte[] a = new byte[n];
    readInto(disk, at, a, 0, n, name);
    return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void readInto(PartitionTable.Source disk, long at, byte[] into, int off, int n, String name) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(into, off, n);
    while (b.hasRemaining()) {
      int r = disk.read(b, at + (b.position() - off));
      if (r <= 0) {
        throw bad(name, at + (b.position() - off), "the disk ends inside LVM metadata");
      }
    }
  }

  private static InvalidInputException bad(String name, long offset, String what) {
    return new InvalidInputException("Failed to read LVM on " + name + " at byte " + offset + ": " + what);
  }

  /** Copies the ranges of a logical volume, in order, into a new sparse file (all-zero MiBs left as holes). */
  public static void join(PartitionTable.Source disk, List<Lvm2.Range> ranges, Path to) throws IOException {
    try (FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long at = 0;
      for (Lvm2.Range r : ranges) {
        for (long done = 0; done < r.length(); ) {
          buf.clear().limit((int) Math.min(buf.capacity(), r.length() - done));
          int n = disk.read(buf, r.offset() + done);
          if (n <= 0) {
            throw new IOException("the image ends inside logical volume extents at byte " + (r.offset() + done));
          }
          buf.flip();
          if (!allZero(buf)) {
            out.write(buf, at);
          }
          done += n;
          at += n;
        }
      }
      out.truncate(at);
      if (out.size() < at) {
        out.write(ByteBuffer.wrap(new byte[1]), at - 1); // a trailing hole keeps the size
      }
    }
  }

  private static boolean allZero(ByteBuffer b) {
    for (int i = b.position(); i < b.limit(); i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** LVM's CRC-32 ({@code calc_crc}): the reflected 0xEDB88320 polynomial, seeded, with no final inversion. */
  static int crc(int initial, byte[] b, int off, int len) {
    int c = initial;
    for (int i = off; i < off + len; i++) {
      c ^= b[i] & 0xff;
      for (int k = 0; k < 8; k++) {
        c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
      }
    }
    return c;
  }

  /** The label of a logical volume for paths: {@code lvm-VG-LV}. */
  public static String pathLabel(LogicalVolume lv) {
    return ("lvm-" + lv.vg() + "-" + lv.name()).replaceAll("[^A-Za-z0-9._+-]", "_");
  }
}
