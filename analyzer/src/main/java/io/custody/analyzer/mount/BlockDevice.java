package io.custody.analyzer.mount;

import io.custody.evidence.HostException;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;

/**
 * Linux block-device controls through libc (jnr-ffi): set and check the kernel's read-only flag
 * (BLKROSET/BLKROGET, so nothing, not even a journal replay, can write the evidence) and read the
 * size in bytes (BLKGETSIZE64).
 */
public final class BlockDevice {

  private static final long BLKROSET = 0x125dL;
  private static final long BLKROGET = 0x125eL;
  private static final long BLKGETSIZE64 = 0x80081272L;
  private static final int O_RDONLY = 0;

  /** The libc functions used. */
  public interface LibC {
    int open(String path, int flags);

    int close(int fd);

    int ioctl(int fd, long request, IntByReference arg);

    int ioctl(int fd, long request, LongLongByReference arg);
  }

  private static volatile LibC libc;

  private BlockDevice() {}

  private static LibC libc() {
    if (libc == null) {
      synchronized (BlockDevice.class) {
        if (libc == null) {
          libc = LibraryLoader.create(LibC.class).load("c");
        }
      }
    }
    return libc;
  }

  /** Sets the device read-only in the kernel and checks that it took. */
  public static void setReadOnly(Path device) {
    int fd = open(device);
    try {
      IntByReference one = new IntByReference(1);
      if (libc().ioctl(fd, BLKROSET, one) != 0) {
        throw new HostException("Failed to set '" + device + "' read-only: BLKROSET refused (root needed)");
      }
      if (!readOnly(fd)) {
        throw new HostException("Failed to set '" + device + "' read-only: BLKROGET still says writable");
      }
    } finally {
      libc().close(fd);
    }
  }

  /** True when the kernel flags the device read-only. */
  public static boolean isReadOnly(Path device) {
    int fd = open(device);
    try {
      return readOnly(fd);
    } finally {
      libc().close(fd);
    }
  }

  /** The device's size in bytes. */
  public static long size(Path device) {
    int fd = open(device);
    try {
      LongLongByReference size = new LongLongByReference(0);
      if (libc().ioctl(fd, BLKGETSIZE64, size) != 0) {
        throw new HostException("Failed to read the size of '" + device + "': BLKGETSIZE64 refused (not a block device?)");
      }
      return size.getValue();
    } finally {
      libc().close(fd);
    }
  }

  private static boolean readOnly(int fd) {
    IntByReference ro = new IntByReference(0);
    if (libc().ioctl(fd, BLKROGET, ro) != 0) {
      throw new HostException("Failed to read the read-only flag: BLKROGET refused");
    }
    return ro.getValue() != 0;
  }

  private static int open(Path device) {
    int fd = libc().open(device.toString(), O_RDONLY);
    if (fd < 0) {
      throw new HostException("Failed to open '" + device + "' read-only (root needed for block devices)");
    }
    return fd;
  }
}
