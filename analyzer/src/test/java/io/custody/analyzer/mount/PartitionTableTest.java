package io.custody.analyzer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.testing.Corpus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MBR with its EBR chain and GPT, checked against The Sleuth Kit's mmls on the corpus images. */
class PartitionTableTest {

  @TempDir Path tmp;

  static Path corpus(String rel) {
    return Corpus.path("disk/" + rel);
  }

  private static List<Partition> read(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      return PartitionTable.read(ch, Files.size(p), p.toString());
    }
  }

  @Test
  void mbrWithExtendedAndLogical_matchesMmls() throws IOException {
    // mmls: 000:000 1..350 Linux (0x83); 003 DOS Extended 351..2879; 001:000 352..2879 Linux (0x83)
    List<Partition> parts = read(corpus("plaso/tsk_volume_system.raw"));
    assertThat(parts).containsExactly(
        new Partition("mbr", 1, 1L * 512, 350L * 512, "0x83", ""),
        new Partition("mbr", 5, 352L * 512, 2528L * 512, "0x83", ""));
  }

  @Test
  void gpt_matchesMmls() throws IOException {
    List<Partition> parts = read(corpus("quyzi-gpt/gpt-disk.img"));
    assertThat(parts).containsExactly(
        new Partition("gpt", 1, 34L * 512, 512, "0fc63daf-8483-4772-8e79-3d69d8477de4", ""),
        new Partition("gpt", 2, 35L * 512, 4L * 512, "0fc63daf-8483-4772-8e79-3d69d8477de4", ""));
  }

  @Test
  void gpt_damagedPrimaryHeader_backupUsed() throws IOException {
    Path copy = Files.copy(corpus("quyzi-gpt/gpt-disk.img"), tmp.resolve("gpt.img"));
    copy.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(copy);
    b[512 + 40] ^= 0x55; // inside the primary header: its CRC32 no longer holds
    Files.write(copy, b);
    assertThat(read(copy)).extracting(Partition::slot).containsExactly(1, 2);
  }

  @Test
  void gpt_bothHeadersDamaged_errorNamesTheDisk() throws IOException {
    Path copy = Files.copy(corpus("quyzi-gpt/gpt-disk.img"), tmp.resolve("gpt.img"));
    copy.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(copy);
    b[512 + 40] ^= 0x55;
    b[71 * 512 + 40] ^= 0x55;
    Files.write(copy, b);
    assertThatThrownBy(() -> read(copy)).isInstanceOf(InvalidInputException.class).hasMessageContaining("gpt.img").hasMessageContaining("offset");
  }

  @Test
  void noTable_wholeDiskIsOneFilesystem() throws IOException {
    Path ext2 = corpus("plaso/syslog_image.dd");
    assertThat(read(ext2)).containsExactly(new Partition("none", 0, 0, Files.size(ext2), "", ""));
    try (FileChannel ch = FileChannel.open(ext2, StandardOpenOption.READ)) {
      assertThat(FileSystem.detect(ch, 0, Files.size(ext2))).isEqualTo(FileSystem.EXT);
    }
  }

  @Test
  void hostileMbr_partitionOutsideDisk_refused() throws IOException {
    ByteBuffer mbr = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    mbr.put(446 + 4, (byte) 0x83).putInt(446 + 8, 1).putInt(446 + 12, 1_000_000);
    mbr.put(510, (byte) 0x55).put(511, (byte) 0xaa);
    Path p = Files.write(tmp.resolve("evil.img"), mbr.array());
    assertThatThrownBy(() -> read(p)).isInstanceOf(InvalidInputException.class).hasMessageContaining("outside the disk");
  }

  @Test
  void hostileMbr_ebrChainThatLoops_refused() throws IOException {
    // Extended partition at sector 2; its first EBR links to an EBR at sector 2+4 = 6, which links to itself.
    ByteBuffer d = ByteBuffer.allocate(64 * 512).order(ByteOrder.LITTLE_ENDIAN);
    d.put(446 + 4, (byte) 0x05).putInt(446 + 8, 2).putInt(446 + 12, 60);
    d.put(510, (byte) 0x55).put(511, (byte) 0xaa);
    for (int sector : new int[] {2, 6}) {
      int e = sector * 512;
      d.put(e + 446 + 4, (byte) 0x83).putInt(e + 446 + 8, 1).putInt(e + 446 + 12, 2);
      d.put(e + 446 + 16 + 4, (byte) 0x05).putInt(e + 446 + 16 + 8, 4);
      d.put(e + 510, (byte) 0x55).put(e + 511, (byte) 0xaa);
    }
    Path p = Files.write(tmp.resolve("loop.img"), d.array());
    assertThatThrownBy(() -> read(p)).isInstanceOf(InvalidInputException.class).hasMessageContaining("loops");
  }

  private static PartitionTable.Layout layout(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      return PartitionTable.layout(ch::read, Files.size(p), p.toString());
    }
  }

  @Test
  void hybridMbr_reportedAsSuch_theGptRead() throws IOException {
    Path copy = Files.copy(corpus("quyzi-gpt/gpt-disk.img"), tmp.resolve("hybrid.img"));
    copy.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(copy);
    // a second MBR entry beside the protective 0xEE one, as gdisk's hybrid MBR writes it
    ByteBuffer e = ByteBuffer.wrap(b, 446 + 16, 16).order(ByteOrder.LITTLE_ENDIAN);
    b[446 + 16 + 4] = (byte) 0x83;
    e.putInt(446 + 16 + 8, 2048);
    e.putInt(446 + 16 + 12, 1024);
    Files.write(copy, b);
    PartitionTable.Layout l = layout(copy);
    assertThat(l.scheme()).isEqualTo("gpt");
    assertThat(l.partitions()).extracting(Partition::slot).containsExactly(1, 2);
    assertThat(l.notes()).singleElement().asString().startsWith("hybrid MBR: besides its protective entry the MBR lists [entry 2 type 0x83 at sector 2048]");
  }

  @Test
  void gpt_512ByteSectors_noNote() throws IOException {
    PartitionTable.Layout l = layout(corpus("quyzi-gpt/gpt-disk.img"));
    assertThat(l.sectorSize()).isEqualTo(512);
    assertThat(l.notes()).isEmpty();
  }
}
