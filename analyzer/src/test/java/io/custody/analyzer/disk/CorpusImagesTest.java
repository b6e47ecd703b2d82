package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.testing.Corpus;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus disk images (ext2 with deleted and orphan files, an MBR disk with a logical partition,
 * a GPT disk without file systems, NTFS), acquired into a case as multi-segment items (zstd, or plain
 * segments that TSK reads in place as a split raw image):
 * every bodyfile equals {@code fls -r -m} on the original image, and timeline.csv equals
 * {@code mactime -b -d} (TZ=UTC) over those bodyfiles.
 */
class CorpusImagesTest {

  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> corpusImages_bodyfilesMatchFls_timelineMatchesMactime() throws Exception {
    Path split = tmp.resolve("ext2.splitraw");
    try (OutputStream o = Files.newOutputStream(split)) {
      Files.copy(Corpus.path("disk/dfvfs/ext2.splitraw.000"), o);
      Files.copy(Corpus.path("disk/dfvfs/ext2.splitraw.001"), o);
    }
    List<Path> images = List.of(split, Corpus.path("disk/dfvfs/imynd.dd"), Corpus.path("disk/plaso/tsk_volume_system.raw"),
        Corpus.path("disk/plaso/syslog_image.dd"), Corpus.path("disk/quyzi-gpt/gpt-disk.img"), Corpus.path("disk/colinfinck-ntfs/testfs1.ntfs.raw"));
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Path image : images) {
      int k = ++n;
      tests.add(DynamicTest.dynamicTest(image.getFileName().toString(), () -> check(image, k)));
    }
    return tests.stream();
  }

  private void check(Path image, int n) throws Exception {
    Case kase = Cases.open(tmp.resolve("home" + n), "CORPUS-" + n);
    // Every other image is stored uncompressed: TSK then opens its 1 MiB segment files in place, as one split raw image.
    Item disk = Cases.addDisk(kase, image, "vol-0corpus" + n, n % 2 == 0 ? Compression.NONE : Compression.ZSTD, 1 << 20);
    DiskAnalysis.Result r = new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve("work")).run(kase, disk.id());
    List<Path> expectedBodies = new ArrayList<>();
    int compared = 0;
    for (FileSystemReport fs : r.report().filesystems()) {
      if (!fs.method().equals("tsk")) {
        assertThat(fs.note()).as(fs.label()).isNotBlank();
        continue;
      }
      String fls = Cases.run(tmp, "fls", "-r", "-m", fs.prefix(), "-o", Long.toString(fs.startSector()), image.toString());
      Item body = r.outputs().stream().filter(i -> i.name().equals(fs.bodyfile())).findFirst().orElseThrow();
      assertThat(Files.readString(Cases.file(kase, body), StandardCharsets.ISO_8859_1)).as(fs.label()).isEqualTo(fls);
      assertThat(fs.entries()).isEqualTo(Cases.lines(fls).size());
      expectedBodies.add(Files.writeString(tmp.resolve("expected-" + n + "-" + fs.label()), fls, StandardCharsets.ISO_8859_1));
      compared++;
    }
    System.out.printf("%s: %d file systems, %d compared with fls, %d timeline rows, %d findings%n", image.getFileName(),
        r.report().filesystems().size(), compared, r.report().timelineRows(), r.report().findings().size());
    if (expectedBodies.isEmpty()) {
      assertThat(r.outputs()).extracting(Item::name).containsExactly("disk-findings.json");
      return;
    }
    Path all = tmp.resolve("all-" + n + ".body");
    try (OutputStream o = Files.newOutputStream(all)) {
      for (Path b : expectedBodies) {
        Files.copy(b, o);
      }
    }
    String mactime = Cases.mactime(tmp, all);
    Item timeline = r.outputs().stream().filter(i -> i.name().equals("timeline.csv")).findFirst().orElseThrow();
    assertThat(Files.readString(Cases.file(kase, timeline), StandardCharsets.ISO_8859_1)).isEqualTo(mactime);
    assertThat(r.report().timelineRows()).isEqualTo(Cases.lines(mactime).size() - 1);
  }
}
