package io.custody.collector.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Real filesystem images for tests, made with the real tools (mkfs.ext4 -d, sfdisk, mkfs.xfs). */
public final class DiskImages {

  private DiskImages() {}

  /** An ext4 filesystem image of {@code mib} MiB holding the files of {@code content}. */
  public static Path ext4(Path dir, String name, int mib, Map<String, String> files) throws IOException {
    Path src = Files.createDirectories(dir.resolve(name + "-src"));
    for (var f : files.entrySet()) {
      Path p = src.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Path img = dir.resolve(name);
    Run r = Run.of(dir, Map.of(), List.of("sh", "-c", "truncate -s " + mib + "M " + img + " && mkfs.ext4 -q -F -d " + src + " " + img));
    assertThat(r.exit()).as(r.toString()).isZero();
    return img;
  }

  /** Puts a filesystem image into a disk image behind an MBR (or GPT) partition starting at 1 MiB. */
  public static Path partitioned(Path dir, String name, Path filesystem, String label) throws IOException {
    Path disk = dir.resolve(name);
    long fsSize = Files.size(filesystem);
    long sectors = fsSize / 512;
    Run r = Run.of(dir, Map.of(), List.of("sh", "-c", "truncate -s " + (fsSize + (2L << 20)) + " " + disk
        + " && printf 'label: " + label + "\\nstart=2048, size=" + sectors + ", type=" + (label.equals("gpt") ? "L" : "83") + "\\n' | sfdisk -q " + disk
        + " && dd if=" + filesystem + " of=" + disk + " bs=1M seek=1 conv=notrunc status=none"));
    assertThat(r.exit()).as(r.toString()).isZero();
    return disk;
  }

  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }
}
