package io.custody.analyzer.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Disk images with LVM2 written by the LVM tools themselves on loop devices (with activation off:
 * this kernel has no device-mapper, and the tools then write metadata only), and the layout the
 * tools report ({@code lvs -o seg_pe_ranges}, {@code pvs -o pe_start}) as the ground truth a reader
 * of the metadata must agree with. Needs root.
 */
public final class LvmImages {

  /** LVM told to scan only the test's loop devices, write no backups and activate nothing. */
  public static String config(List<String> devices) {
    StringBuilder f = new StringBuilder("devices{use_devicesfile=0 filter=[");
    for (String d : devices) {
      f.append("\"a|^").append(d).append("$|\",");
    }
    return f.append("\"r|.*|\"]} global{activation=0} backup{backup=0 archive=0}").toString();
  }

  /** One extent range of a logical volume as lvs reports it: {@code /dev/loop3:5-5}. */
  public record Seg(String lv, String device, long firstPe, long lastPe) {}

  /** What the tools made: per device, the PV's first extent byte; the extent size; each LV's segments in order. */
  public record Made(long peStart, long extentSize, List<Seg> segments) {

    /** The disk ranges of an LV, in order, for the device at index i of the loop list. */
    public List<long[]> ranges(String lv, String device) {
      List<long[]> out = new ArrayList<>();
      for (Seg s : segments) {
        if (s.lv().equals(lv) && s.device().equals(device)) {
          out.add(new long[] {peStart + s.firstPe() * extentSize, (s.lastPe() - s.firstPe() + 1) * extentSize});
        }
      }
      return out;
    }
  }

  private LvmImages() {}

  /**
   * Makes a volume group over the images (one PV each) and runs the given lvcreate/lvextend argument
   * lists; returns the layout. Every loop device is detached before returning.
   */
  public static Made make(List<Path> images, String vg, List<List<String>> commands, Map<Path, String> deviceOfImage) throws Exception {
    List<String> loops = new ArrayList<>();
    try {
      for (Path img : images) {
        String loop = run("losetup", "--find", "--show", img.toString()).strip();
        loops.add(loop);
        deviceOfImage.put(img, loop);
      }
      String cf = config(loops);
      for (String l : loops) {
        run("lvm", "pvcreate", "-q", "--config", cf, l);
      }
      List<String> vgcreate = new ArrayList<>(List.of("lvm", "vgcreate", "-q", "-s", "4m", "--config", cf, vg));
      vgcreate.addAll(loops);
      run(vgcreate.toArray(String[]::new));
      for (List<String> c : commands) {
        List<String> cmd = new ArrayList<>(List.of("lvm"));
        cmd.add(c.get(0));
        cmd.addAll(List.of("-q", "--config", cf));
        cmd.addAll(c.subList(1, c.size()));
        run(cmd.toArray(String[]::new));
      }
      long peStart = Long.parseLong(run("lvm", "pvs", "--config", cf, "--noheadings", "--units", "b", "--nosuffix", "-o", "pe_start", loops.get(0)).strip());
      long extent = Long.parseLong(run("lvm", "vgs", "--config", cf, "--noheadings", "--units", "b", "--nosuffix", "-o", "vg_extent_size", vg).strip());
      List<Seg> segs = new ArrayList<>();
      for (String line : run("lvm", "lvs", "--config", cf, "--noheadings", "-o", "lv_name,seg_pe_ranges", "--sort", "lv_name,seg_start", vg).split("\n")) {
        String[] f = line.strip().split("\\s+");
        if (f.length < 2) {
          continue;
        }
        for (String range : f[1].split(",")) {
          String[] dr = range.split(":");
          String[] pe = dr[1].split("-");
          segs.add(new Seg(f[0], dr[0], Long.parseLong(pe[0]), Long.parseLong(pe[1])));
        }
      }
      return new Made(peStart, extent, segs);
    } finally {
      for (String l : loops) {
        new ProcessBuilder("losetup", "-d", l).start().waitFor();
      }
    }
  }

  /** An ext4 file system of {@code size} bytes holding {@code files} (name → content), as mkfs.ext4 -d makes it. */
  public static byte[] ext4(Path work, long size, Map<String, String> files) throws Exception {
    Path dir = Files.createTempDirectory(work, "fs");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Path img = work.resolve(dir.getFileName() + ".ext4");
    try (RandomAccessFile r = new RandomAccessFile(img.toFile(), "rw")) {
      r.setLength(size);
    }
    run("mkfs.ext4", "-q", "-F", "-d", dir.toString(), img.toString());
    return Files.readAllBytes(img);
  }

  /** Writes {@code bytes} across the ranges of the image, in order. */
  public static void writeAcross(Path image, List<long[]> ranges, byte[] bytes) throws IOException {
    int at = 0;
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      for (long[] r : ranges) {
        int n = (int) Math.min(r[1], bytes.length - at);
        f.seek(r[0]);
        f.write(bytes, at, n);
        at += n;
      }
    }
    assertThat(at).as("the file system fits the logical volume").isEqualTo(bytes.length);
  }

  /**
   * An MBR disk: partition 1 an ext4 with /grub/grub.cfg; partition 2 an LVM PV (made by the tools)
   * of volume group {@code vg} with {@code root} (two segments: ext4 with root's authorized_keys and
   * /etc/hostname) and {@code data} (linear: ext4 with /srv/app/config.yml).
   */
  public static Path plantedDisk(Path tmp, String vg) throws Exception {
    long p2Start = 18L << 20;
    long pvSize = 48L << 20;
    Path pv = tmp.resolve(vg + "-pv.img");
    try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
      f.setLength(pvSize);
    }
    Map<Path, String> dev = new java.util.HashMap<>();
    Made made = make(List.of(pv), vg, List.of(
        List.of("lvcreate", "-an", "-Zn", "-L", "8m", "-n", "root", vg),
        List.of("lvcreate", "-an", "-Zn", "-L", "12m", "-n", "data", vg),
        List.of("lvextend", "-L", "+4m", vg + "/root")), dev);
    List<long[]> rootRanges = made.ranges("root", dev.get(pv));
    assertThat(rootRanges).as("the tools made root of two segments").hasSize(2);
    writeAcross(pv, rootRanges, ext4(tmp, 12 << 20, Map.of(
        "root/.ssh/authorized_keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNm attacker@evil\n", "etc/hostname", "web-1\n")));
    writeAcross(pv, made.ranges("data", dev.get(pv)), ext4(tmp, 12 << 20, Map.of("srv/app/config.yml", "db: x\n")));
    Path disk = tmp.resolve(vg + "-disk.img");
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(p2Start + pvSize);
    }
    run("sh", "-c", "printf 'label: dos\\nstart=2048, size=32768, type=83\\nstart=36864, type=8e\\n' | sfdisk -q " + disk);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(2048 * 512L);
      f.write(ext4(tmp, 16 << 20, Map.of("grub/grub.cfg", "linux /vmlinuz\n")));
      f.seek(p2Start);
      f.write(Files.readAllBytes(pv));
    }
    Files.delete(pv);
    return disk;
  }

  /**
   * A disk that is one LVM PV of volume group {@code vg} holding a thin pool and a thin volume: the
   * tools cannot create thin pools without device-mapper, so the metadata is written by {@code
   * vgcfgrestore --force} from the group's own backup with the thin volumes added (the layout lvcreate
   * writes: a visible thin-pool over hidden _tmeta and _tdata, a visible thin volume in the pool).
   */
  public static Path thinDisk(Path tmp, String vg) throws Exception {
    Path disk = tmp.resolve(vg + "-thin.img");
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    String loop = run("losetup", "--find", "--show", disk.toString()).strip();
    try {
      String cf = config(List.of(loop));
      run("lvm", "pvcreate", "-q", "--config", cf, loop);
      run("lvm", "vgcreate", "-q", "-s", "4m", "--config", cf, vg, loop);
      Path backup = tmp.resolve(vg + ".vg");
      run("lvm", "vgcfgbackup", "-q", "--config", cf, "-f", backup.toString(), vg);
      String text = Files.readString(backup);
      StringBuilder lvs = new StringBuilder("\nlogical_volumes {\n");
      lvs.append(lv("pool", true, "type = \"thin-pool\"\nmetadata = \"pool_tmeta\"\npool = \"pool_tdata\"\ntransaction_id = 1\n"
          + "chunk_size = 128\ndiscards = \"passdown\"\nzero_new_blocks = 1\n", 4, 1));
      lvs.append(lv("thinvol", true, "type = \"thin\"\nthin_pool = \"pool\"\ntransaction_id = 0\ndevice_id = 1\n", 4, 2));
      lvs.append(lv("pool_tmeta", false, "type = \"striped\"\nstripe_count = 1\nstripes = [\n\"pv0\", 0\n]\n", 1, 3));
      lvs.append(lv("pool_tdata", false, "type = \"striped\"\nstripe_count = 1\nstripes = [\n\"pv0\", 1\n]\n", 4, 4));
      lvs.append("}\n");
      int pvs = text.indexOf("physical_volumes");
      int depth = 0;
      int k = text.indexOf('{', pvs);
      for (; ; k++) {
        depth += text.charAt(k) == '{' ? 1 : text.charAt(k) == '}' ? -1 : 0;
        if (depth == 0) {
          break;
        }
      }
      Files.writeString(backup, text.substring(0, k + 1) + lvs + text.substring(k + 1));
      run("lvm", "vgcfgrestore", "-q", "--force", "--config", cf, "-f", backup.toString(), vg);
      String listed = run("lvm", "lvs", "-a", "--noheadings", "-o", "lv_name,segtype", "--config", cf, vg);
      assertThat(listed).contains("thin-pool", "thin");
    } finally {
      new ProcessBuilder("losetup", "-d", loop).start().waitFor();
    }
    return disk;
  }

  private static String lv(String name, boolean visible, String segment, int extents, int n) {
    return name + " {\nid = \"aaaaaa-bbbb-cccc-dddd-eeee-ffff-00000" + n + "\"\nstatus = [\"READ\", \"WRITE\"" + (visible ? ", \"VISIBLE\"" : "")
        + "]\nflags = []\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = " + extents + "\n" + segment + "}\n}\n";
  }

  public static String run(String... cmd) throws Exception {
    Path err = Files.createTempFile("lvm-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out + Files.readString(err)).isZero();
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
