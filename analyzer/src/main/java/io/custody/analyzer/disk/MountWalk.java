package io.custody.analyzer.disk;

import io.custody.analyzer.mount.FileSystem;
import io.custody.analyzer.mount.Mounter;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.custody.Event;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.workspace.Case;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * For file systems The Sleuth Kit cannot read (XFS): attach the partition to a read-only loop
 * device, mount it read-only without log replay ({@code ro,norecovery,nouuid}), walk it without
 * following links into a bodyfile of the same format, run the checks on it, unmount and detach.
 * Needs root; without root it says so and does nothing. Mount and unmount go to the custody log.
 * Deleted entries are not visible this way (the report says so).
 */
final class MountWalk {

  /** What happened. */
  record Walk(boolean walked, String note, List<DiskFinding> findings, List<String> notes) {}

  private MountWalk() {}

  static Walk walk(Case kase, RawImage image, Volumes.Candidate c, String prefix, Path body, Consumer<FsView> scan) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new Walk(false, "XFS: The Sleuth Kit cannot read it and a read-only mount needs root: skipped (rerun as root)", List.of(), List.of());
    }
    List<Path> source = c.files() != null ? c.files() : image.files();
    if (source.size() != 1) {
      return new Walk(false, "XFS on a split uncompressed image: a loop device needs one file; skipped", List.of(), List.of());
    }
    long offset = c.start() * 512; // start and length are in 512-byte units, whatever the disk's sector size
    long size = c.length() * 512;
    Path mnt;
    try {
      mnt = Files.createTempDirectory(body.getParent(), "mnt-");
    } catch (IOException e) {
      return new Walk(false, "XFS: no mount point: " + e.getMessage(), List.of(), List.of());
    }
    CustodyObject fs = new CustodyObject(null, null, c.label(), "filesystem", size, null);
    CustodyEntry intent = kase.log().begin(Event.of("mounted").object(fs)
        .notes("read-only mount of " + c.label() + " (xfs) at " + mnt + " with " + FileSystem.XFS.mountOptions()));
    Mounter.Mounts m = Mounter.mountOne(source.get(0), offset, size, FileSystem.XFS, mnt, c.label());
    try {
      if (m.mounted().isEmpty()) {
        kase.log().complete(intent, Event.of("mounted").object(fs).notes(String.join("; ", m.notes())), Outcome.FAILED);
        return new Walk(false, "XFS: " + String.join("; ", m.notes()), List.of(), List.of());
      }
      kase.log().complete(intent, Event.of("mounted").object(fs).notes("mounted read-only at " + mnt + " from " + m.loops()), Outcome.SUCCEEDED);
      Map<String, Path> files = new java.util.HashMap<>();
      List<BodyfileEntry> entries = write(mnt, prefix, body, files);
      FsView view = new FsView(c.label(), entries, new MountContents(mnt, files));
      scan.accept(view);
      return new Walk(true, "walked a read-only mount: allocated files only, no deleted entries; creation times from statx",
          view.findings(), view.notes());
    } catch (IOException e) {
      return new Walk(false, "XFS mount walk failed: " + e.getMessage(), List.of(), List.of());
    } finally {
      unmount(kase, fs, m, mnt);
    }
  }

  /** Unmounts and detaches, recorded; a mount point left behind is said. */
  private static void unmount(Case kase, CustodyObject fs, Mounter.Mounts m, Path mnt) {
    if (!m.mounted().isEmpty()) {
      CustodyEntry u = kase.log().begin(Event.of("unmounted").object(fs));
      List<String> problems = Mounter.unmountAll(m);
      kase.log().complete(u, Event.of("unmounted").object(fs).notes(problems.isEmpty() ? "unmounted " + mnt : "unmount failed: " + problems),
          problems.isEmpty() ? Outcome.SUCCEEDED : Outcome.FAILED);
    } else {
      Mounter.unmountAll(m);
    }
    try {
      Files.deleteIfExists(mnt);
    } catch (IOException ignored) {
      System.err.println("custody: warning: could not remove mount point " + mnt);
    }
  }

  /**
   * Walks the mount into a bodyfile of TSK's format. Names are written as their bytes (ISO-8859-1
   * one char a byte), control characters as {@code ^} as TSK writes them; each entry carries the
   * exact bytes of its path ({@link NameText}), and {@code files} maps its path text to the file.
   */
  private static List<BodyfileEntry> write(Path root, String prefix, Path body, Map<String, Path> files) throws IOException {
    List<BodyfileEntry> entries = new ArrayList<>();
    String rootRaw = rawPath(root);
    Map<Long, Long> births = births(root, body.resolveSibling(body.getFileName() + ".births"));
    try (BufferedWriter w = Files.newBufferedWriter(body, StandardCharsets.ISO_8859_1)) {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          if (!dir.equals(root)) {
            line(dir);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          line(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE;
        }

        private void line(Path p) throws IOException {
          Map<String, Object> a = Files.readAttributes(p, "unix:mode,ino,uid,gid,size,lastAccessTime,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
          int mode = (Integer) a.get("mode");
          String raw = rawPath(p);
          String rel = raw.startsWith(rootRaw + "/") ? raw.substring(rootRaw.length() + 1) : raw; // one char a byte
          String target = Files.isSymbolicLink(p) ? rawPath(Files.readSymbolicLink(p)) : null;
          String ls = modeString(mode);
          String text = "0|" + tskSafe(prefix + rel) + (target == null ? "" : " -> " + tskSafe(target)) + "|" + a.get("ino") + "|" + ls + "|"
              + a.get("uid") + "|" + a.get("gid") + "|" + a.get("size") + "|" + sec(a.get("lastAccessTime")) + "|" + sec(a.get("lastModifiedTime"))
              + "|" + sec(a.get("ctime")) + "|" + births.getOrDefault(((Number) a.get("ino")).longValue(), 0L);
          w.write(text);
          w.write('\n');
          BodyfileEntry e = BodyfileEntry.parse(text, prefix);
          if (e != null) {
            // the exact name, control characters included (the bodyfile line has them as ^)
            NameText exact = NameText.ofLatin1("/" + rel);
            e = new BodyfileEntry(exact.text(), e.inode(), e.mode(), e.uid(), e.gid(), e.size(), e.atime(), e.mtime(), e.ctime(), e.crtime(),
                target == null ? null : NameText.ofLatin1(target).text(), e.deleted(), exact.b64() != null || !exact.text().equals(e.path())
                ? java.util.Base64.getEncoder().encodeToString(("/" + rel).getBytes(StandardCharsets.ISO_8859_1)) : null);
            files.put(e.path(), p);
            entries.add(e);
          }
        }
      });
    }
    return entries;
  }

  /**
   * Creation times by inode, from statx through coreutils' {@code stat -c '%i %W'} (Java 17 cannot
   * read them; GNU find 4.9's {@code %B} does not use statx): XFS v5 stores them. Empty when stat
   * cannot say (the walk then writes 0, as TSK does for none).
   */
  private static Map<Long, Long> births(Path root, Path out) {
    Map<Long, Long> births = new java.util.HashMap<>();
    io.custody.evidence.process.ProcessRunner.Result r = io.custody.evidence.process.ProcessRunner
        .of("sh", "-c", "find \"$1\" -xdev -print0 | xargs -0 -r stat -c '%i %W'", "sh", root.toString()).stdoutTo(out).run();
    if (r.exit() != 0) {
      return births;
    }
    try (var lines = Files.lines(out, StandardCharsets.ISO_8859_1)) {
      lines.forEach(l -> {
        int sp = l.indexOf(' ');
        int dot = l.indexOf('.', sp);
        try {
          long sec = Long.parseLong(l.substring(sp + 1, dot < 0 ? l.length() : dot));
          if (sec > 0) {
            births.put(Long.parseLong(l.substring(0, sp)), sec);
          }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
          // a line find wrote for a file without a birth time
        }
      });
      Files.deleteIfExists(out);
    } catch (IOException e) {
      return births;
    }
    return births;
  }

  /**
   * A path's bytes as ISO-8859-1 text (one char a byte): what the file system holds, whatever the
   * JVM's charset (a path's URI percent-encodes its exact bytes).
   */
  static String rawPath(Path p) {
    boolean relative = !p.isAbsolute();
    Path abs = relative ? Path.of("/").resolve(p) : p;
    String uri = abs.toUri().getRawPath();
    if (uri.endsWith("/") && uri.length() > 1 && !abs.toString().endsWith("/")) {
      uri = uri.substring(0, uri.length() - 1); // toUri marks a directory with a trailing slash
    }
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(uri.length());
    for (int i = 0; i < uri.length(); i++) {
      char ch = uri.charAt(i);
      if (ch == '%' && i + 2 < uri.length()) {
        b.write(Integer.parseInt(uri, i + 1, i + 3, 16));
        i += 2;
      } else {
        b.write(ch);
      }
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return relative ? s.substring(1) : s;
  }

  /** Control characters as TSK writes them in a bodyfile: {@code ^}, so no name can break a row. */
  private static String tskSafe(String latin1) {
    StringBuilder sb = null;
    for (int i = 0; i < latin1.length(); i++) {
      char ch = latin1.charAt(i);
      if (ch < 0x20 || ch == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(latin1);
        }
        sb.setCharAt(i, '^');
      }
    }
    return sb == null ? latin1 : sb.toString();
  }

  private static long sec(Object t) {
    return t instanceof FileTime f ? f.toMillis() / 1000 : 0;
  }

  /** TSK's mode string, e.g. {@code r/rrwxr-xr-x}. */
  static String modeString(int mode) {
    char t = switch (mode & 0170000) {
      case 0040000 -> 'd';
      case 0120000 -> 'l';
      case 0020000 -> 'c';
      case 0060000 -> 'b';
      case 0010000 -> 'p';
      case 0140000 -> 's';
      default -> 'r';
    };
    StringBuilder sb = new StringBuilder().append(t).append('/').append(t);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    if ((mode & 04000) != 0) {
      sb.setCharAt(5, sb.charAt(5) == 'x' ? 's' : 'S');
    }
    if ((mode & 02000) != 0) {
      sb.setCharAt(8, sb.charAt(8) == 'x' ? 's' : 'S');
    }
    if ((mode & 01000) != 0) {
      sb.setCharAt(11, sb.charAt(11) == 'x' ? 't' : 'T');
    }
    return sb.toString();
  }

  /** Contents read through the read-only mount, never following a link. */
  private record MountContents(Path root, Map<String, Path> files) implements FsView.Contents {
    private Path resolve(BodyfileEntry e) {
      Path p = files.get(e.path());
      return p != null && p.startsWith(root) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    @Override
    public byte[] read(BodyfileEntry e, int max) {
      Path p = resolve(e);
      if (p == null) {
        return new byte[0];
      }
      try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
        return in.readNBytes(max);
      } catch (IOException ex) {
        return new byte[0];
      }
    }

    @Override
    public String digest(BodyfileEntry e, String algorithm) {
      Path p = resolve(e);
      if (p == null) {
        return null;
      }
      MessageDigest md;
      try {
        md = MessageDigest.getInstance(algorithm);
      } catch (java.security.NoSuchAlgorithmException x) {
        throw new IllegalArgumentException(algorithm, x);
      }
      try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
        return java.util.HexFormat.of().formatHex(md.digest());
      } catch (IOException ex) {
        return null;
      }
    }
  }
}
