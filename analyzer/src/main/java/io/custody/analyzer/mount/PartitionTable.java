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
 * backup when the primary is damaged; CRC32s checked). Evidence is hostile: every offset is bounded
 * by the disk size, the EBR chain by a visit set and a limit, the GPT entry array by size limits; a
 * problem is an error naming the disk and the offset.
 */
public final class PartitionTable {

  static final int SECTOR = 512;
  private static final int MAX_LOGICAL = 128;
  private static final int MAX_GPT_ENTRIES = 1024;

  private final FileChannel disk;
  private final long size;
  private final String name;

  private PartitionTable(FileChannel disk, long size, String name) {
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
    return new PartitionTable(disk, size, name).read();
  }

  private List<Partition> read() throws IOException {
    if (size < SECTOR) {
      throw new InvalidInputException("Failed to read partitions of '" + name + "': only " + size + " bytes");
    }
    ByteBuffer mbr = sector(0);
    boolean signed = (mbr.get(510) & 0xff) == 0x55 && (mbr.get(511) & 0xff) == 0xaa;
    if (signed && isGptProtective(mbr)) {
      return gpt();
    }
    if (signed && looksLikeMbr(mbr)) {
      return mbr(mbr);
    }
    return List.of(new Partition("none", 0, 0, size, "", ""));
  }

  private static boolean isGptProtective(ByteBuffer mbr) {
    for (int i = 0; i < 4; i++) {
      if ((mbr.get(446 + i * 16 + 4) & 0xff) == 0xee) {
        return true;
      }
    }
    return false;
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

  private List<Partition> mbr(ByteBuffer mbr) throws IOException {
    List<Partition> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int e = 446 + i * 16;
      int type = mbr.get(e + 4) & 0xff;
      long start = Integer.toUnsignedLong(mbr.getInt(e + 8));
      long count = Integer.toUnsignedLong(mbr.getInt(e + 12));
      if (type == 0 || count == 0) {
        continue;
      }
      check(start, count, "primary partition " + (i + 1), 446L + i * 16);
      if (type == 0x05 || type == 0x0f || type == 0x85) {
        logical(start, count, out);
      } else {
        out.add(new Partition("mbr", i + 1, start * SECTOR, count * SECTOR, hexType(type), ""));
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
        throw new InvalidInputException("Failed to read partitions of '" + name + "': no boot record signature at offset " + ebr * SECTOR);
      }
      int type = b.get(446 + 4) & 0xff;
      long rel = Integer.toUnsignedLong(b.getInt(446 + 8));
      long count = Integer.toUnsignedLong(b.getInt(446 + 12));
      if (type != 0 && count != 0) {
        long start = ebr + rel;
        check(start, count, "logical partition " + slot, ebr * SECTOR + 446);
        if (start + count > extStart + extCount) {
          throw new InvalidInputException("Failed to read partitions of '" + name + "': logical partition " + slot
              + " ends outside its extended partition (offset " + (ebr * SECTOR + 446) + ")");
        }
        out.add(new Partition("mbr", slot++, start * SECTOR, count * SECTOR, hexType(type), ""));
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
    long lastLba = size / SECTOR - 1;
    Gpt g = header(1);
    if (g == null) {
      g = header(lastLba);
    }
    if (g == null) {
      throw new InvalidInputException("Failed to read the GPT of '" + name + "': primary (offset 512) and backup (offset "
          + lastLba * SECTOR + ") headers are both invalid");
    }
    long bytes = (long) g.count * g.entrySize;
    check(g.entriesLba, (bytes + SECTOR - 1) / SECTOR, "GPT entry array", g.at);
    ByteBuffer entries = read(g.entriesLba * SECTOR, (int) bytes);
    CRC32 crc = new CRC32();
    crc.update(entries.array(), 0, (int) bytes);
    if ((int) crc.getValue() != g.entriesCrc) {
      throw new InvalidInputException("Failed to read the GPT of '" + name + "': entry array CRC32 mismatch at offset " + g.entriesLba * SECTOR);
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
      check(first, last - first + 1, "GPT partition " + (i + 1), g.entriesLba * SECTOR + e);
      byte[] nameBytes = new byte[72];
      entries.get(e + 56, nameBytes);
      String pname = new String(nameBytes, StandardCharsets.UTF_16LE);
      int nul = pname.indexOf('\0');
      out.add(new Partition("gpt", i + 1, first * SECTOR, (last - first + 1) * SECTOR, type, nul < 0 ? pname : pname.substring(0, nul)));
    }
    return out;
  }

  private record Gpt(long at, long entriesLba, int count, int entrySize, int entriesCrc) {}

  private Gpt header(long lba) throws IOException {
    if (lba < 1 || (lba + 1) * SECTOR > size) {
      return null;
    }
    ByteBuffer h = sector(lba);
    byte[] sig = new byte[8];
    h.get(0, sig);
    if (!"EFI PART".equals(new String(sig, StandardCharsets.US_ASCII))) {
      return null;
    }
    int headerSize = h.getInt(12);
    if (headerSize < 92 || headerSize > SECTOR) {
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
    return new Gpt(lba * SECTOR, entriesLba, count, entrySize, h.getInt(88));
  }

  private void check(long startSector, long count, String what, long at) {
    if (startSector < 0 || count < 0 || startSector > size / SECTOR || count > size / SECTOR - startSector) {
      throw new InvalidInputException("Failed to read partitions of '" + name + "': " + what + " (sectors " + startSector + "+" + count
          + ") lies outside the disk of " + size + " bytes (entry at offset " + at + ")");
    }
  }

  private ByteBuffer sector(long lba) throws IOException {
    return read(lba * SECTOR, SECTOR);
  }

  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int n = disk.read(b, offset + b.position());
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
