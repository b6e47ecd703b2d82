package io.custody.evidence.verify;

import io.custody.evidence.tar.TarEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The entries of an extracted bundle folder. Links are reported, never followed; the manifest is
 * visited first so that evidence can be checked in one pass.
 */
final class DirectorySource implements BundleSource {

  private final Path root;
  private final String top;

  DirectorySource(Path root) {
    this.root = root;
    this.top = root.toAbsolutePath().normalize().getFileName().toString();
  }

  @Override
  public void forEach(Handler handler) throws IOException {
    List<Path> all = new ArrayList<>();
    walk(root, all, 0);
    all.sort(Comparator.comparing((Path p) -> !p.equals(root.resolve("manifest.json"))).thenComparing(p -> root.relativize(p).toString()));
    handler.entry(new RawEntry(top + "/", TarEntry.Kind.DIRECTORY, 0), InputStream.nullInputStream());
    for (Path p : all) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      String name = top + "/" + root.relativize(p).toString().replace('\\', '/');
      if (a.isRegularFile()) {
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
          handler.entry(new RawEntry(name, TarEntry.Kind.FILE, a.size()), in);
        }
      } else {
        TarEntry.Kind k = a.isDirectory() ? TarEntry.Kind.DIRECTORY : a.isSymbolicLink() ? TarEntry.Kind.SYMLINK : TarEntry.Kind.OTHER;
        handler.entry(new RawEntry(a.isDirectory() ? name + "/" : name, k, 0), InputStream.nullInputStream());
      }
    }
  }

  private static void walk(Path dir, List<Path> out, int depth) throws IOException {
    if (depth > 64) {
      throw new IOException("folders nested deeper than 64 levels at " + dir);
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p);
        if (out.size() > TarSource.MAX_ENTRIES) {
          throw new IOException("more than " + TarSource.MAX_ENTRIES + " entries");
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          walk(p, out, depth + 1);
        }
      }
    }
  }

  @Override
  public boolean canReopen() {
    return true;
  }

  @Override
  public InputStream reopen(String name) throws IOException {
    String rel = name.substring(top.length() + 1);
    return Files.newInputStream(root.resolve(rel), LinkOption.NOFOLLOW_LINKS);
  }
}
