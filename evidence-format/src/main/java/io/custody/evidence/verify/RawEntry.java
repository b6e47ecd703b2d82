package io.custody.evidence.verify;

/**
 * An entry of a bundle as its container shows it: its full name (top folder included) and kind.
 */
record RawEntry(String name, Kind kind, long size) {

  enum Kind {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    DEVICE,
    FIFO,
    OTHER;

    String label() {
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
