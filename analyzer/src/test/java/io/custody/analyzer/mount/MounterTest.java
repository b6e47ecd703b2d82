package io.custody.analyzer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.evidence.Sha256;
import io.custody.evidence.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-only mounts of file systems nobody here made. ROOT ONLY (loop devices, mount): skipped, saying so, without root. */
class MounterTest {

  @TempDir Path tmp;

  /**
   * The corpus NTFS image (colinfinck, made by Windows' own tools): this kernel has no ntfs3, so
   * ntfs-3g mounts it, read-only, and the image's bytes are unchanged afterwards.
   */
  @Test
  void ntfs_mountedReadOnly_throughNtfs3gWhenTheKernelHasNoNtfs3() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop device and mount): skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/ntfs-3g")) || Files.isExecutable(Path.of("/bin/ntfs-3g")), "ntfs-3g missing: run scripts/setup");
    Path image = Files.copy(Corpus.path("disk/colinfinck-ntfs/testfs1.ntfs.raw"), tmp.resolve("ntfs.raw"));
    Sha256 before = Sha256.digest(Files.readAllBytes(image));
    Mounter.Mounts m = Mounter.mountAll(image, Files.size(image), tmp.resolve("mnt"));
    try {
      assertThat(m.mounted()).as(m.notes().toString()).singleElement().satisfies(x -> {
        assertThat(x.options()).startsWith("ro");
        boolean kernelNtfs3 = Files.readString(Path.of("/proc/filesystems")).contains("ntfs3");
        assertThat(x.filesystem()).isEqualTo(kernelNtfs3 ? "ntfs3" : "ntfs-3g");
      });
      Path root = tmp.resolve("mnt/disk");
      assertThat(Files.size(root.resolve("1000-bytes-file"))).isEqualTo(1000);
      assertThat(Files.readString(root.resolve("file-with-12345"))).isEqualTo("12345");
      assertThat(root.resolve("many_subdirs/100")).isDirectory();
    } finally {
      assertThat(Mounter.unmountAll(m)).isEmpty();
    }
    assertThat(Sha256.digest(Files.readAllBytes(image))).as("the image is never written").isEqualTo(before);
  }
}
