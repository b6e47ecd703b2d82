package io.custody.analyzer.mount;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * What lies at the start of a partition, from its magic numbers (never by asking a tool that might
 * write), and how to mount it without writing: ext2/3/4 {@code ro,noload} (no journal replay), XFS
 * {@code ro,norecovery,nouuid}, NTFS through the kernel's ntfs3 or else ntfs-3g, others {@code ro};
 * always {@code nodev,nosuid,noexec}.
 */
public enum FileSystem {
  EXT("ext4", "ro,noload"),
  XFS("xfs", "ro,norecovery,nouuid"),
  NTFS("ntfs3", "ro"),
  VFAT("vfat", "ro"),
  BTRFS("btrfs", "ro,rescue=nologreplay"),
  ISO9660("iso9660", "ro"),
  LVM(null, null),
  SWAP(null, null),
  UNKNOWN(null, null);

  private static final String SAFE = ",nodev,nosuid,noexec";

  /** NTFS when the kernel has no ntfs3: the FUSE driver of Debian's ntfs-3g, read-only. */
  public static final String NTFS_3G = "ntfs-3g";

  /** ntfs-3g's options: read-only (it then neither writes nor replays $LogFile), nothing executable. */
  public static final String NTFS_3G_OPTIONS = "ro" + SAFE;

  private final String mountType;
  private final String options;

  FileSystem(String mountType, String options) {
    this.mountType = mountType;
    this.options = options;
  }

  /** The -t of mount, or null when this is not mountable (LVM, swap, unknown). */
  public String mountType() {
    return mountType;
  }

  /** The -o of mount: read-only, nothing replayed, nothing executable. */
  public String mountOptions() {
    return options == null ? null : options + SAFE;
  }

  public static FileSystem detect(FileChannel disk, long offset, long length) throws IOException {
    return detect(disk::read, offset, length);
  }

  /** What the bytes at {@code offset} ({@code length} of them) hold, from its magic numbers. */
  public static FileSystem detect(PartitionTable.Source disk, long offset, long length) throws IOException {
    if (length >= 1024 + 58 && (read(disk, offset + 1024 + 56, 2).getShort(0) & 0xffff) == 0xef53) {
      return EXT;
    }
    if (magic(disk, offset, 0, "XFSB", length)) {
      return XFS;
    }
    if (magic(disk, offset, 3, "NTFS    ", length)) {
      return NTFS;
    }
    if (magic(disk, offset, 512 + 0, "LABELONE", length) && magic(disk, offset, 512 + 24, "LVM2 001", length)) {
      return LVM;
    }
    if (magic(disk, offset, 0x10040, "_BHRfS_M", length)) {
      return BTRFS;
    }
    if (magic(disk, offset, 4096 - 10, "SWAPSPACE2", length)) {
      return SWAP;
    }
    if (magic(disk, offset, 0x8001, "CD001", length)) {
      return ISO9660;
    }
    if (magic(disk, offset, 54, "FAT1", length) || magic(disk, offset, 82, "FAT32   ", length)) {
      return VFAT;
    }
    return UNKNOWN;
  }

  private static boolean magic(PartitionTable.Source disk, long base, long at, String text, long length) throws IOException {
    byte[] want = text.getBytes(StandardCharsets.US_ASCII);
    if (at + want.length > length) {
      return false;
    }
    ByteBuffer b = read(disk, base + at, want.length);
    for (int i = 0; i < want.length; i++) {
      if (b.get(i) != want[i]) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer read(PartitionTable.Source disk, long offset, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (disk.read(b, offset + b.position()) < 0) {
        break;
      }
    }
    return b;
  }
}
