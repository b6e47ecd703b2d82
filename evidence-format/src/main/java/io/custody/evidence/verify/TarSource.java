package io.custody.evidence.verify;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Streams the entries of a tar file; nothing is extracted. */
final class TarSource implements BundleSource {

  /** More entries than this and the archive is refused. */
  static final int MAX_ENTRIES = 2_000_000;

  private final Path file;

  TarSource(Path file) {
    this.file = file;
  }

  @Override
  public void forEach(Handler handler) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
        TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      forEach(tar, handler);
    }
  }

  /** Visible for the fuzz test: reads entries from any tar stream. */
  static void forEach(TarArchiveInputStream tar, Handler handler) throws IOException {
    TarArchiveEntry e;
    int count = 0;
    while ((e = tar.getNextEntry()) != null) {
      if (++count > MAX_ENTRIES) {
        throw new IOException("more than " + MAX_ENTRIES + " entries");
      }
      handler.entry(new RawEntry(e.getName(), kind(e), e.getSize()), tar);
    }
  }

  private static RawEntry.Kind kind(TarArchiveEntry e) {
    if (e.isSymbolicLink()) {
      return RawEntry.Kind.SYMLINK;
    }
    if (e.isLink()) {
      return RawEntry.Kind.HARDLINK;
    }
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      return RawEntry.Kind.DEVICE;
    }
    if (e.isFIFO()) {
      return RawEntry.Kind.FIFO;
    }
    if (e.isDirectory()) {
      return RawEntry.Kind.DIRECTORY;
    }
    if (e.isFile() && !e.isSparse() && !e.isGlobalPaxHeader() && !e.isPaxHeader()) {
      return RawEntry.Kind.FILE;
    }
    return RawEntry.Kind.OTHER;
  }

  @Override
  public boolean canReopen() {
    return false;
  }

  @Override
  public InputStream reopen(String name) {
    return null;
  }
}
