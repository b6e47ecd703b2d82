package io.custody.collector.acquire;

import io.custody.evidence.HostException;
import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import io.custody.evidence.workspace.Names;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code custody case add}: a file or block device read once (never written) into the case as an
 * evidence item, hashed and stored as the options say, recorded before and after.
 *
 * <p>Any file name can be added. The stream is stored under a safe name (letters, digits, {@code
 * ._-}, at most {@value Names#MAX_STORED_NAME} characters, the extension kept); when that differs
 * from the file's name, the item's notes record the original name as its bytes, percent-encoded
 * (RFC 3986), so a name that is not UTF-8 is kept exactly. Java cannot take such a name from the
 * command line (the launcher decodes it, replacing the bytes it cannot decode with U+FFFD): the file
 * is then found in its folder as the one entry whose name decodes the same way.
 *
 * <p>Character devices and pipes may have no end ({@code /dev/zero}): they are refused unless a size
 * to read is given; block devices and regular files are read to their end.
 */
public final class FileAcquisition {

  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private FileAcquisition() {}

  /** As {@link #add(Case, Path, ItemType, String, StorageOptions, Long, ProgressListener)} with no size. */
  public static Item add(Case kase, Path file, ItemType type, String sourceId, StorageOptions options, ProgressListener progress) {
    return add(kase, file, type, sourceId, options, null, progress);
  }

  /**
   * @param size how many bytes to read (required for a character device or a pipe); null: to the end
   * @throws InvalidInputException when the file is not a readable file or device, or has no end and no size was given
   * @throws HostException when reading it fails
   */
  public static Item add(Case kase, Path given, ItemType type, String sourceId, StorageOptions options, Long size, ProgressListener progress) {
    Path file = resolve(given);
    if (!Files.isReadable(file) || Files.isDirectory(file)) {
      throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': not a readable file or device");
    }
    if (size != null && size < 0) {
      throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': --size must be 0 or more bytes");
    }
    if (type == ItemType.DISK) {
      java.util.Optional<Containers.Container> c = Containers.detect(file);
      if (c.isPresent()) {
        return ContainerAcquisition.add(kase, c.get(), given, sourceId, options, progress).item();
      }
    }
    boolean endless = endless(file);
    if (endless && size == null) {
      throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': a character device or pipe may have no end "
          + "(/dev/zero, /dev/urandom); give --size BYTES to read that many");
    }
    String name = file.getFileName().toString();
    boolean lossless = name.indexOf('\uFFFD') < 0;
    String origin = lossless ? "file:" + file.toAbsolutePath() : file.toAbsolutePath().toUri().toString();
    ItemSpec spec = options.spec(type, sourceId, name, origin);
    if (!spec.name().equals(name) || !lossless) {
      spec.notes("stored as '" + spec.name() + "'; the original file name, as bytes percent-encoded: " + rawName(file));
    }
    kase.toolLog("case add --type " + type.label() + " --source-id " + sourceId + (size == null ? "" : " --size " + size) + " " + origin);
    long expected = size != null ? size : expectedSize(file);
    // a link the examiner names is followed (/dev/disk/by-id/… names devices so)
    try (InputStream raw = Files.newInputStream(file); InputStream in = size == null ? raw : bounded(raw, size)) {
      Item item = kase.add(spec, in, expected, progress);
      if (size != null && item.size() < size) {
        System.err.println("custody: warning: '" + Printable.of(given.toString()) + "' ended after " + item.size() + " of the " + size
            + " bytes asked for");
      }
      return item;
    } catch (IOException e) {
      throw new HostException("Failed to read '" + Printable.of(given.toString()) + "': " + e.getMessage(), e);
    }
  }

  /** The size of a regular file, or -1 (a device: known when read to its end). */
  public static long expectedSize(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.size(file) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The file as given, or, when it does not exist and its name holds U+FFFD (bytes the launcher could
   * not decode), the one entry of its folder whose name decodes to the same text.
   *
   * @throws InvalidInputException when several entries decode alike
   */
  public static Path resolve(Path given) {
    Path name = given.getFileName();
    if (name == null || Files.exists(given, LinkOption.NOFOLLOW_LINKS) || name.toString().indexOf('\uFFFD') < 0) {
      return given;
    }
    Path parent = given.toAbsolutePath().getParent();
    List<Path> alike = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      for (Path p : ds) {
        if (p.getFileName().toString().equals(name.toString())) {
          alike.add(p);
        }
      }
    } catch (IOException e) {
      return given;
    }
    if (alike.size() > 1) {
      throw new InvalidInputException("Failed to acquire '" + Printable.of(given.toString()) + "': " + alike.size() + " files in '"
          + Printable.of(parent.toString()) + "' have names that are not UTF-8 and read alike; give one through a symbolic link with a plain name");
    }
    return alike.isEmpty() ? given : alike.get(0);
  }

  /** The file's name as its bytes, percent-encoded (a path's URI keeps the bytes of a name that is not UTF-8). */
  static String rawName(Path file) {
    String path = file.toAbsolutePath().toUri().getRawPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static boolean endless(Path file) {
    try {
      int mode = (Integer) Files.getAttribute(file, "unix:mode");
      int kind = mode & S_IFMT;
      return kind == S_IFCHR || kind == S_IFIFO;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** At most {@code size} bytes of {@code in} (which the caller closes). */
  private static InputStream bounded(InputStream in, long size) {
    return new io.custody.evidence.files.BulkInputStream() {
      long left = size;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }
}
