package io.custody.analyzer.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.analyzer.testing.Cases;
import io.custody.evidence.Severity;
import io.custody.evidence.segment.Compression;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ext4 journal that needs recovery is a finding that says what the timeline shows; a clean one is not. */
class JournalTest {

  @TempDir Path tmp;

  private DiskAnalysis.Result analyse(String name, boolean needsRecovery) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name + "-root/etc"));
    Files.writeString(root.resolve("hostname"), "web-1\n");
    Path image = tmp.resolve(name + ".ext4");
    Cases.run(tmp, "truncate", "-s", "16M", image.toString());
    Cases.run(tmp, "mkfs.ext4", "-q", "-d", root.getParent().toString(), image.toString());
    if (needsRecovery) {
      // what a crash, or a snapshot of a running instance, leaves: the incompat flag set, transactions in the journal
      Cases.run(tmp, "debugfs", "-w", "-R", "feature needs_recovery", image.toString());
    }
    Case kase = Cases.open(tmp.resolve(name + "-home"), "J-" + name);
    Item disk = Cases.addDisk(kase, image, "vol-0journal" + (needsRecovery ? "1" : "0"), Compression.ZSTD, 16 << 20);
    return new DiskAnalysis(Clock.systemUTC()).workDir(tmp.resolve(name + "-work")).run(kase, disk.id());
  }

  @Test
  void journalNeedingRecovery_aFindingSayingTheTimelineIsWithoutIt() throws Exception {
    DiskAnalysis.Result dirty = analyse("dirty", true);
    assertThat(dirty.report().findings()).filteredOn(f -> f.ruleId().equals("journal-needs-recovery")).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.reason()).contains("never replays", "without those transactions");
    });
    assertThat(dirty.report().filesystems()).singleElement().satisfies(f -> assertThat(f.method()).isEqualTo("tsk"));
    DiskAnalysis.Result clean = analyse("clean", false);
    assertThat(clean.report().findings()).noneMatch(f -> f.ruleId().equals("journal-needs-recovery"));
  }
}
