package io.custody.evidence.bundle;

import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.hash.ChunkSink;
import io.custody.evidence.hash.HashResult;
import io.custody.evidence.hash.HashingEngine;
import io.custody.evidence.hash.ProgressListener;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the bundle tar: one top folder, folders before their files, regular files only, mode 0444
 * (folders 0755), owner 0:0, every time the seal time; POSIX (pax) headers for long names and big
 * files. Hashes the whole tar as it goes.
 */
final class TarWriter implements AutoCloseable {

  private final FileChannel channel;
  private final Hashing hashing;
  private final TarArchiveOutputStream tar;
  private final String top;
  private final Date time;
  private final Set<String> dirs = new HashSet<>();
  private boolean finished;

  TarWriter(Path file, String top, Instant time) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.hashing = new Hashing(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20));
    this.tar = new TarArchiveOutputStream(hashing);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.top = top;
    this.time = Date.from(time);
    dir(top);
  }

  /** Adds a small file. */
  void file(String path, byte[] bytes) throws IOException {
    parents(path);
    tar.putArchiveEntry(entry(top + "/" + path, bytes.length));
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /**
   * Copies a stored file into the tar and returns the SHA-256 of what was copied (computed on a
   * second thread while a first writes).
   */
  Sha256 copy(String path, Path source, long size, long doneBefore, long total, ProgressListener progress) throws IOException {
    parents(path);
    tar.putArchiveEntry(entry(top + "/" + path, size));
    HashResult r;
    try (InputStream in = Files.newInputStream(source)) {
      r = HashingEngine.sha256().hash(in, new ToTar(), size, (done, t) -> progress.progress(doneBefore + done, total));
    }
    tar.closeArchiveEntry();
    return r.hashes().sha256();
  }

  void finish() throws IOException {
    tar.finish();
    tar.flush();
    channel.force(true);
    finished = true;
  }

  Sha256 sha256() {
    return Sha256.of(hashing.digest.digest());
  }

  long size() {
    return hashing.count;
  }

  @Override
  public void close() throws IOException {
    if (finished) {
      tar.close();
    } else {
      channel.close(); // the caller removes the partial file
    }
  }

  private void parents(String path) throws IOException {
    int i = 0;
    while ((i = path.indexOf('/', i + 1)) > 0) {
      dir(top + "/" + path.substring(0, i));
    }
  }

  private void dir(String path) throws IOException {
    if (dirs.add(path)) {
      TarArchiveEntry e = new TarArchiveEntry(path + "/");
      e.setMode(040755);
      stamp(e);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }
  }

  private TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0100444);
    stamp(e);
    return e;
  }

  private void stamp(TarArchiveEntry e) {
    e.setModTime(time);
    e.setIds(0, 0);
    e.setNames("root", "root");
  }

  /** Writes the chunks of a hashing session into the current tar entry. */
  private final class ToTar implements ChunkSink {
    @Override
    public void accept(byte[] buffer, int length, long offset) throws IOException {
      tar.write(buffer, 0, length);
    }

    @Override
    public void finish() {}

    @Override
    public void abort() {}
  }

  /** Counts and hashes the tar bytes on their way to the file. */
  private static final class Hashing extends FilterOutputStream {
    final MessageDigest digest = HashAlgorithm.SHA256.newDigest();
    long count;

    Hashing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }
  }
}
