package io.custody.evidence.tar;

/**
 * One entry of a tar stream as {@link StrictTarReader} read it.
 *
 * @param name the name exactly as stored (pax {@code path}, GNU long name or ustar prefix/name)
 * @param kind what the header's type flag says it is
 * @param size bytes of data that follow (0 for links, folders and devices, whatever the header says)
 * @param offset byte offset of the entry's own header in the stream (after any extended headers)
 */
public record TarEntry(String name, Kind kind, long size, long offset) {

  /** The kinds of entry a tar can hold. */
  public enum Kind {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    DEVICE,
    FIFO,
    OTHER;

    /** How a finding names this kind. */
    public String label() {
      return switch (this) {
        case FILE -> "regular file";
        case DIRECTORY -> "folder";
        case SYMLINK -> "symbolic link";
        case HARDLINK -> "hard link";
        case DEVICE -> "device";
        case FIFO -> "FIFO";
        case OTHER -> "special entry";
      };
    }
  }
}
