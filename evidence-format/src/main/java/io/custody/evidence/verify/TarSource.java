package io.custody.evidence.verify;

import io.custody.evidence.tar.StrictTarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Streams the entries of a tar file through {@link StrictTarReader}; nothing is extracted. */
final class TarSource implements BundleSource {

  /** More entries than this and the archive is refused. */
  static final int MAX_ENTRIES = 2_000_000;

  /** Opens the tar bytes. */
  interface Opener {
    InputStream open() throws IOException;
  }

  private final Opener opener;

  TarSource(Path file) {
    this(() -> Files.newInputStream(file));
  }

  TarSource(Opener opener) {
    this.opener = opener;
  }

  @Override
  public void forEach(Handler handler) throws IOException {
    try (InputStream raw = new BufferedInputStream(opener.open(), 1 << 20)) {
      new StrictTarReader(raw, MAX_ENTRIES).forEach((e, in) ->
          handler.entry(new RawEntry(e.name(), e.kind(), e.size()), in));
    }
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
