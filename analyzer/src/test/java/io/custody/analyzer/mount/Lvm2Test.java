package io.custody.analyzer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.custody.evidence.InvalidInputException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LVM2 reader agrees with the LVM tools on metadata they wrote (root: loop devices); crafted or
 * damaged metadata is refused with the offset.
 */
class Lvm2Test {

  @TempDir Path tmp;

  @BeforeAll
  static void root() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop devices for the LVM tools): skipped");
  }

  private static Optional<Lvm2.VolumeGroup> read(Path img) throws Exception {
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ)) {
      return Lvm2.read(ch::read, 0, ch.size(), img.getFileName().toString());
    }
  }

  private Path image(String name, long mib) throws Exception {
    Path p = tmp.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(mib << 20);
    }
    return p;
  }

  @Test
  void linearAndTwoSegmentVolumes_rangesAsTheToolsReport() throws Exception {
    Path img = image("pv.img", 64);
    Map<Path, String> dev = new HashMap<>();
    LvmImages.Made made = LvmImages.make(List.of(img), "vgcustodyt1", List.of(
        List.of("lvcreate", "-an", "-Zn", "-L", "8m", "-n", "root", "vgcustodyt1"),
        List.of("lvcreate", "-an", "-Zn", "-L", "12m", "-n", "data", "vgcustodyt1"),
        List.of("lvextend", "-L", "+4m", "vgcustodyt1/root")), dev);
    Lvm2.VolumeGroup vg = read(img).orElseThrow();
    assertThat(vg.name()).isEqualTo("vgcustodyt1");
    assertThat(vg.pvCount()).isEqualTo(1);
    assertThat(vg.volumes()).extracting(Lvm2.LogicalVolume::name).containsExactlyInAnyOrder("root", "data");
    for (Lvm2.LogicalVolume lv : vg.volumes()) {
      assertThat(lv.readable()).as(lv.label()).isTrue();
      List<long[]> truth = made.ranges(lv.name(), dev.get(img));
      assertThat(lv.ranges()).as(lv.label()).hasSize(truth.size());
      for (int i = 0; i < truth.size(); i++) {
        assertThat(lv.ranges().get(i).offset()).isEqualTo(truth.get(i)[0]);
        assertThat(lv.ranges().get(i).length()).isEqualTo(truth.get(i)[1]);
      }
    }
    assertThat(vg.volumes().stream().filter(v -> v.name().equals("root")).findFirst().orElseThrow().ranges()).as("extended: 2 segments").hasSize(2);
  }

  @Test
  void volumeGroupOverTwoDisks_reportedAndTheVolumeOnTheOtherDiskNotRead() throws Exception {
    Path a = image("a.img", 32);
    Path b = image("b.img", 32);
    Map<Path, String> dev = new HashMap<>();
    LvmImages.make(List.of(a, b), "vgcustodyt2", List.of(
        List.of("lvcreate", "-an", "-Zn", "-L", "8m", "-n", "small", "vgcustodyt2"),
        List.of("lvcreate", "-an", "-Zn", "-L", "40m", "-n", "big", "vgcustodyt2")), dev);
    Lvm2.VolumeGroup vg = read(a).orElseThrow();
    assertThat(vg.pvCount()).isEqualTo(2);
    assertThat(vg.notes()).anySatisfy(n -> assertThat(n).contains("spans 2 physical volumes"));
    Lvm2.LogicalVolume big = vg.volumes().stream().filter(v -> v.name().equals("big")).findFirst().orElseThrow();
    assertThat(big.readable()).isFalse();
    assertThat(big.unreadable()).contains("another disk");
  }

  @Test
  void damagedOrCraftedMetadata_refusedWithTheOffset() throws Exception {
    Path img = image("pv.img", 32);
    LvmImages.make(List.of(img), "vgcustodyt3", List.of(List.of("lvcreate", "-an", "-Zn", "-L", "8m", "-n", "lv", "vgcustodyt3")), new HashMap<>());
    byte[] disk = Files.readAllBytes(img);
    String all = new String(disk, StandardCharsets.ISO_8859_1);
    int text = all.lastIndexOf("vgcustodyt3 {");
    assertThat(text).isPositive();
    disk[text + 2] ^= 0x20; // one flipped bit in the current metadata text
    Path flipped = Files.write(tmp.resolve("flipped.img"), disk);
    assertThatThrownBy(() -> read(flipped)).isInstanceOf(InvalidInputException.class).hasMessageContaining("fails its checksum")
        .hasMessageContaining("at byte");
    Path cut = Files.write(tmp.resolve("cut.img"), java.util.Arrays.copyOf(Files.readAllBytes(img), 5000));
    assertThatThrownBy(() -> read(cut)).isInstanceOf(InvalidInputException.class);
    assertThat(read(Files.write(tmp.resolve("zero.img"), new byte[1 << 20]))).as("no label: not a PV").isEmpty();
  }

  @Test
  void text_parsesLvmSyntax_boundsNesting() {
    Map<String, Object> m = LvmText.parse("# comment\nvg {\nid = \"a-b\"\nseqno = 3\nstatus = [\"READ\", \"WRITE\"] # trailing\n"
        + "lv { stripes = [\n\"pv0\", 0\n] name = \"q\\\"uote\" }\n}\ncontents = \"Text Format Volume Group\"\n", "t");
    @SuppressWarnings("unchecked")
    Map<String, Object> vg = (Map<String, Object>) m.get("vg");
    assertThat(vg.get("seqno")).isEqualTo(3L);
    assertThat(vg.get("status")).isEqualTo(List.of("READ", "WRITE"));
    @SuppressWarnings("unchecked")
    Map<String, Object> lv = (Map<String, Object>) vg.get("lv");
    assertThat(lv.get("stripes")).isEqualTo(List.of("pv0", 0L));
    assertThat(lv.get("name")).isEqualTo("q\"uote");
    assertThatThrownBy(() -> LvmText.parse("a {".repeat(100), "deep")).isInstanceOf(InvalidInputException.class).hasMessageContaining("deeper");
    assertThatThrownBy(() -> LvmText.parse("a = " + "[".repeat(100), "deep")).isInstanceOf(InvalidInputException.class).hasMessageContaining("deeper");
    assertThatThrownBy(() -> LvmText.parse("vg { id = \"x", "open")).isInstanceOf(InvalidInputException.class).hasMessageContaining("line 1");
  }
}
