package io.custody.analyzer.mount;

import io.custody.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads MBR partition tables (with the extended/logical EBR chain) and GPT (primary header, or the
 * backup when the primary is damaged; CRC32s checked) with 512- or 4096-byte logical sectors (the
 * GPT header says which: it is at LBA 1; tried at 512 bytes, then at 4096). A protective MBR that
 * also lists other partitions (a hybrid MBR) is reported; the GPT is what is read. Evidence is
 * hostile: every offset is bounded by the disk size, the EBR chain by a visit set and a limit, the
 * GPT entry array by size limits; a problem is an error naming the disk and the offset. Mount and
 * analysis both read disks through this class, so they see the same partitions and the same errors.
 */
public final class PartitionTable {

  static final int SECTOR = 512;
  private static final int MAX_LOGICAL = 128;
  private static final int MAX_GPT_ENTRIES = 1024;

  /** Reads bytes at a position, as {@link FileChannel#read(ByteBuffer, long)} does (an image may be several files). */
  @FunctionalInterface
  public interface Source {
    int read(ByteBuffer into, long position) throws IOException;
  }

  /**
   * What a disk holds.
   *
   * @param scheme {@code mbr}, {@code gpt} or {@code none}
   * @param sectorSize the logical sector size the table uses (512, or 4096 for a GPT made so)
   * @param partitions in table order; one of scheme {@code none} for a disk without a table
   * @param notes what an examiner should know about the table (a hybrid MBR, the backup GPT used)
   */
  public record Layout(String scheme, int sectorSize, List<Partition> partitions, List<String> notes) {}

  private final Source disk;
  private final long size;
  private final String name;
  private int sector = SECTOR;
  private String scheme = "none";
  private final List<String> notes = new ArrayList<>();

  private PartitionTable(Source disk, long size, String name) {
    this.disk = disk;
    this.size = size;
    this.name = name;
  }

  /**
   * The partitions of a disk; a disk without a table is one partition of scheme {@code none}.
   *
   * @param size the disk's size in bytes (for a block device its BLKGETSIZE64)
   */
  public static List<Partition> read(FileChannel disk, long size, String name) throws IOException {
    return layout(disk::read, size, name).partitions();
  }

  /**
   * The layout of a disk: its partitions, the sector size its table uses, and notes.
   *
   * @throws InvalidInputException when the table is damaged or names space outside the disk (with the offset)
   */
  public static Layout layout(Source disk, long size, String name) throws IOException {
    PartitionTable t = new PartitionTable(disk, size, name);
    List<Partition> parts = t.read();
    return new Layout(t.scheme, t.sector, parts, List.copyOf(t.notes));
  }

  private List<Partition> read() throws IOException {
    if (size < SECTOR) {
      throw new InvalidInputException("Failed to read partitions of '" + name + "': only " + size + " bytes");
    }
    ByteBuffer mbr = read(0, SECTOR);
    boolean signed = (mbr.get(510) & 0xff) == 0x55 && (mbr.get(511) & 0xff) == 0xaa;
    if (signed && isGptProtective(mbr)) {
      scheme = "gpt";
      List<String> others = hybridEntries(mbr);
      if (!others.isEmpty()) {
        notes.add("hybrid MBR: besides its protective entry the MBR lists " + others + "; the GPT is what is read (both mount and "
            + "analysis); an operating system reading the MBR may see other partitions");
      }
      return gpt();
    }
    if (signed && looksLikeMbr(mbr)) {
      scheme = "mbr";
      if (fourKn(mbr)) {
        sector = 4096;
        notes.add("MBR with 4096-byte logical sectors (a disk from a 4Kn device): read in 512-byte sectors its partitions "
            + "hold no file system or lie outside the disk, in 4096-byte sectors they do");
      }
      return mbr(mbr);
    }
    return List.of(new Partition("none", 0, 0, size, "", ""));
  }

  /** The MBR entries of a protective MBR other than the 0xEE one: non-empty means hybrid. */
  private static List<String> hybridEntries(ByteBuffer mbr) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int e = 446 + i * 16;
      int type = mbr.get(e + 4) & 0xff;
      if (type != 0 && type != 0xee && Integer.toUnsignedLong(mbr.getInt(e + 12)) > 0) {
        out.add("entry " + (i + 1) + " type " + hexType(type) + " at sector " + Integer.toUnsignedLong(mbr.getInt(e + 8)));
      }
    }
    return out;
  }

  private static boolean isGptProtective(ByteBuffer mbr) {
    for (int i = 0; i < 4; i++) {
      if ((mbr.get(446 + i * 16 + 4) & 0xff) == 0xee) {
        return true;
      }
    }
    return false;
  }

  /**
   * An MBR says nothing of its sector size. It is taken as 4096 bytes when the disk is a multiple of
   * 4096 and, with 4096-byte sectors, every primary entry fits the disk and one holds a file system,
   * while with 512-byte sectors an entry lies outside the disk or none holds a file system.
   */
  private boolean fourKn(ByteBuffer mbr) throws IOException {
    if (size % 4096 != 0) {
      return false;
    }
    boolean fits512 = true;
    boolean fits4096 = true;
    int known512 = 0;
    int known4096 = 0;
    for (Primary p : primaries(mbr)) {
      int type = p.type();
      long start = p.start();
      long count = p.count();
      fits512 &= start + count <= size / 512;
      fits4096 &= start + count <= size / 4096;
      if (type == 0x05 || type == 0x0f || type == 0x85) {
        continue;
      }
      if (start + count <= size / 512 && FileSystem.detect(disk, start * 512, count * 512) != FileSystem.UNKNOWN) {
        known512++;
      }
      if (start + count <= size / 4096 && FileSystem.detect(disk, start * 4096, count * 4096) != FileSystem.UNKNOWN) {
        known4096++;
      }
    }
    return fits4096 && known4096 > 0 && (!fits512 || known512 == 0);
  }

  /** A boot sector of a filesystem also ends in 55aa; an MBR has valid status bytes and at least one entry. */
  private static boolean looksLikeMbr(ByteBuffer mbr) {
    boolean any = false;
    for (int i = 0; i < 4; i++) {
      int e = 446 + i * 16;
      int status = mbr.get(e) & 0xff;
      if (status != 0 && status != 0x80) {
        return false;
      }
      if ((mbr.get(e + 4) & 0xff) != 0 && Integer.toUnsignedLong(mbr.getInt(e + 12)) > 0) {
        any = true;
      }
    }
    return any;
  }

  /** One used entry of the MBR's four: index (0-3), type, first sector, sector count. */
  private record Primary(int index, int type, long start, long count) {}

  private static List<Primary> primaries(ByteBuffer mbr) {
    List<Primary> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int e = 446 + i * 16;
      int type = mbr.get(e + 4) & 0xff;
      long count = Integer.toUnsignedLong(mbr.getInt(e + 12));
      if (type != 0 && count != 0) {
        out.add(new Primary(i, type, Integer.toUnsignedLong(mbr.getInt(e + 8)), count));
      }
    }
    return out;
  }

  private List<Partition> mbr(ByteBuffer mbr) throws IOException {
    List<Partition> out = new ArrayList<>();
    for (Primary p : primaries(mbr)) {
      int i = p.index();
      int type = p.type();
      long start = p.start();
      long count = p.count();
      check(start, count, "primary partition " + (i + 1), 446L + i * 16);
      if (type == 0x05 || type == 0x0f || type == 0x85) {
        logical(start, count, out);
      } else {
        out.add(new Partition("mbr", i + 1, start * sector, count * sector, hexType(type), ""));
      }
    }
    return out;
  }

  /** Follows the chain of extended boot records; logical partitions are numbered from 5 as in Linux. */
  private void logical(long extStart, long extCount, List<Partition> out) throws IOException {
    Set<Long> seen = new HashSet<>();
    long ebr = extStart;
    int slot = 5;
    while (true) {
      if (!seen.add(ebr) || seen.size() > MAX_LOGICAL) {
        throw new InvalidInputException("Failed to read partitions of '" + name + "': extended partition chain loops or exceeds "
            + MAX_LOGICAL + " at sector " + ebr);
      }
      ByteBuffer b = sector(ebr);
      if ((b.get(510) & 0xff) != 0x55 || (b.get(511) & 0xff) != 0xaa) {
        throw new InvalidInputException("Failed to read partitions of '" + name + "': no boot record signature at offset " + ebr * sector);
      }
      int type = b.get(446 + 4) & 0xff;
      long rel = Integer.toUnsignedLong(b.getInt(446 + 8));
      long count = Integer.toUnsignedLong(b.getInt(446 + 12));
      if (type != 0 && count != 0) {
        long start = ebr + rel;
        check(start, count, "logical partition " + slot, ebr * sector + 446);
        if (start + count > extStart + extCount) {
          throw new InvalidInputException("Failed to read partitions of '" + name + "': logical partition " + slot
              + " ends outside its extended partition (offset " + (ebr * sector + 446) + ")");
        }
        out.add(new Partition("mbr", slot++, start * sector, count * sector, hexType(type), ""));
      }
      int nextType = b.get(446 + 16 + 4) & 0xff;
      long next = Integer.toUnsignedLong(b.getInt(446 + 16 + 8));
      if (nextType == 0 || next == 0) {
        return;
      }
      ebr = extStart + next;
    }
  }

  private List<Partition> gpt() throws IOException {
    Gpt g = null;
    for (int candidate : new int[] {512, 4096}) {
      sector = candidate;
      g = header(1);
      if (g != null) {
        break;
      }
    }
    if (g == null) {
      for (int candidate : new int[] {512, 4096}) {
        sector = candidate;
        g = header(size / sector - 1);
        if (g != null) {
          notes.add("the primary GPT header (offset " + sector + ") is invalid: the backup at offset " + g.at + " was read");
          break;
        }
      }
    }
    if (g == null) {
      sector = SECTOR;
      throw new InvalidInputException("Failed to read the GPT of '" + name + "': primary headers (offset 512 for 512-byte sectors, 4096 "
          + "for 4096-byte sectors) and backups (offsets " + (size / 512 - 1) * 512 + " and " + (size / 4096 - 1) * 4096 + ") are all invalid");
    }
    if (sector != SECTOR) {
      notes.add("GPT with " + sector + "-byte logical sectors (its header is at offset " + sector + ")");
    }
    long bytes = (long) g.count * g.entrySize;
    check(g.entriesLba, (bytes + sector - 1) / sector, "GPT entry array", g.at);
    ByteBuffer entries = read(g.entriesLba * sector, (int) bytes);
    CRC32 crc = new CRC32();
    crc.update(entries.array(), 0, (int) bytes);
    if ((int) crc.getValue() != g.entriesCrc) {
      throw new InvalidInputException("Failed to read the GPT of '" + name + "': entry array CRC32 mismatch at offset " + g.entriesLba * sector);
    }
    List<Partition> out = new ArrayList<>();
    for (int i = 0; i < g.count; i++) {
      int e = i * g.entrySize;
      String type = guid(entries, e);
      if (type.equals("00000000-0000-0000-0000-000000000000")) {
        continue;
      }
      long first = entries.getLong(e + 32);
      long last = entries.getLong(e + 40);
      if (first < 0 || last < first) {
        throw new InvalidInputException("Failed to read the GPT of '" + name + "': entry " + (i + 1) + " has LBA " + first + ".." + last);
      }
      check(first, last - first + 1, "GPT partition " + (i + 1), g.entriesLba * sector + e);
      byte[] nameBytes = new byte[72];
      entries.get(e + 56, nameBytes);
      String pname = new String(nameBytes, StandardCharsets.UTF_16LE);
      int nul = pname.indexOf('\0');
      out.add(new Partition("gpt", i + 1, first * sector, (last - first + 1) * sector, type, nul < 0 ? pname : pname.substring(0, nul)));
    }
    return out;
  }

  private record Gpt(long at, long entriesLba, int count, int entrySize, int entriesCrc) {}

  private Gpt header(long lba) throws IOException {
    if (lba < 1 || (lba + 1) * sector > size) {
      return null;
    }
    ByteBuffer h = sector(lba);
    byte[] sig = new byte[8];
    h.get(0, sig);
    if (!"EFI PART".equals(new String(sig, StandardCharsets.US_ASCII))) {
      return null;
    }
    int headerSize = h.getInt(12);
    if (headerSize < 92 || headerSize > sector) {
      return null;
    }
    int stored = h.getInt(16);
    byte[] copy = new byte[headerSize];
    h.get(0, copy);
    for (int i = 16; i < 20; i++) {
      copy[i] = 0;
    }
    CRC32 crc = new CRC32();
    crc.update(copy);
    if ((int) crc.getValue() != stored) {
      return null;
    }
    long entriesLba = h.getLong(72);
    int count = h.getInt(80);
    int entrySize = h.getInt(84);
    if (count <= 0 || count > MAX_GPT_ENTRIES || entrySize < 128 || entrySize > 4096 || entrySize % 8 != 0) {
      return null;
    }
    return new Gpt(lba * sector, entriesLba, count, entrySize, h.getInt(88));
  }

  private void check(long startSector, long count, String what, long at) {
    if (startSector < 0 || count < 0 || startSector > size / sector || count > size / sector - startSector) {
      throw new InvalidInputException("Failed to read partitions of '" + name + "': " + what + " (sectors " + startSector + "+" + count
          + ") lies outside the disk of " + size + " bytes (entry at offset " + at + ")");
    }
  }

  private ByteBuffer sector(long lba) throws IOException {
    return read(lba * sector, sector);
  }

  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int n = disk.read(b, offset + b.position());
      if (n == 0) {
        throw new InvalidInputException("Failed to read partitions of '" + name + "': no progress reading at offset " + (offset + b.position()));
      }
      if (n < 0) {
        throw new InvalidInputException("Failed to read partitions of '" + name + "': disk ends at offset " + (offset + b.position()));
      }
    }
    return b.flip().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static String hexType(int type) {
    return String.format(Locale.ROOT, "0x%02x", type);
  }

  /** A GUID as text: the first three fields are little-endian. */
  private static String guid(ByteBuffer b, int off) {
    return String.format(Locale.ROOT, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
        b.getInt(off), b.getShort(off + 4) & 0xffff, b.getShort(off + 6) & 0xffff,
        b.get(off + 8) & 0xff, b.get(off + 9) & 0xff, b.get(off + 10) & 0xff, b.get(off + 11) & 0xff,
        b.get(off + 12) & 0xff, b.get(off + 13) & 0xff, b.get(off + 14) & 0xff, b.get(off + 15) & 0xff);
  }
}
