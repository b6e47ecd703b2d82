package io.custody.analyzer.mount;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.custody.evidence.CustodyException;
import io.custody.evidence.HostException;
import io.custody.evidence.process.ProcessRunner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The one read-only mount service, used by {@code custody mount} and by disk analysis (for file
 * systems The Sleuth Kit cannot read). Mounts every filesystem of a disk (a block device or a raw
 * image) read-only: partitions from its MBR or GPT, each through a read-only loop device at its
 * offset (checked read-only in the kernel before use); LVM physical volumes are activated with LVM
 * forbidden to write metadata and every logical volume read-only; each filesystem with options that
 * replay nothing. A filesystem that will not mount read-only is reported, never mounted read-write.
 * Needs root.
 */
public final class Mounter {

  /** One mounted filesystem. */
  public record Mounted(@JsonProperty("partition") String partition, @JsonProperty("filesystem") String filesystem,
      @JsonProperty("device") String device, @JsonProperty("mount_point") String mountPoint, @JsonProperty("options") String options) {}

  /**
   * What a mountAll did, to be undone by unmountAll.
   *
   * @param notMounted the file systems and volume groups found that could not be mounted read-only
   *     (each also in {@code notes}, with why); swap or an unknown partition is a note only
   * @param workFiles working copies made for the mounts (LVM volumes of several segments, joined), removed on unmount
   */
  public record Mounts(@JsonProperty("mounted") List<Mounted> mounted, @JsonProperty("loops") List<String> loops,
      @JsonProperty("volume_groups") List<String> volumeGroups, @JsonProperty("notes") List<String> notes,
      @JsonProperty("not_mounted") List<String> notMounted, @JsonProperty("work_files") List<String> workFiles) {

    public Mounts {
      notMounted = notMounted == null ? List.of() : notMounted;
      workFiles = workFiles == null ? List.of() : workFiles;
    }

    public Mounts(List<Mounted> mounted, List<String> loops, List<String> volumeGroups, List<String> notes) {
      this(mounted, loops, volumeGroups, notes, List.of(), List.of());
    }
  }

  private Mounter() {}

  public static Mounts mountAll(Path disk, long size, Path root) {
    List<Mounted> mounted = new ArrayList<>();
    List<String> loops = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> work = new ArrayList<>();
    try {
      Files.createDirectories(root);
      List<Partition> parts;
      try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
        PartitionTable.Layout layout = PartitionTable.layout(ch::read, size, disk.toString());
        notes.addAll(layout.notes());
        parts = layout.partitions();
        for (Partition p : parts) {
          FileSystem fs = FileSystem.detect(ch, p.offset(), p.length());
          String label = p.scheme().equals("none") ? "whole disk" : p.scheme() + " partition " + p.slot() + " (" + p.type() + ")";
          if (fs == FileSystem.LVM) {
            if (!direct(ch, disk, p, root, label, mounted, loops, notes, refused, work)) {
              String loop = loop(disk, p, loops);
              lvm(loop, root, label, mounted, groups, notes, refused);
            }
          } else if (fs.mountType() == null) {
            notes.add(label + ": no mountable filesystem (" + fs.name().toLowerCase(java.util.Locale.ROOT) + ")");
          } else {
            String loop = loop(disk, p, loops);
            mount(loop, fs, root.resolve(p.scheme().equals("none") ? "disk" : "p" + p.slot()), label, mounted, notes, refused);
          }
        }
      }
      return new Mounts(mounted, loops, groups, notes, refused, work);
    } catch (IOException | RuntimeException e) {
      // Undo what was done before failing: nothing stays mounted half-way.
      unmountAll(new Mounts(mounted, loops, groups, notes, refused, work));
      if (e instanceof CustodyException ce) {
        throw ce;
      }
      throw new HostException("Failed to mount '" + disk + "' read-only: " + e.getMessage(), e);
    }
  }

  /**
   * Mounts one filesystem of an image read-only: the bytes at {@code offset} of length {@code length}
   * through a read-only loop device, at {@code dir}. A mount the filesystem refuses is a note of the
   * result, not an exception; undo it with {@link #unmountAll}.
   */
  public static Mounts mountOne(Path image, long offset, long length, FileSystem fs, Path dir, String label) {
    List<String> loops = new ArrayList<>();
    List<Mounted> mounted = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    try {
      String loop = loop(image, new Partition("none", 0, offset, length, "", null), loops);
      mount(loop, fs, dir, label, mounted, notes, refused);
      return new Mounts(mounted, loops, List.of(), notes, refused, List.of());
    } catch (IOException | RuntimeException e) {
      unmountAll(new Mounts(mounted, loops, List.of(), notes));
      if (e instanceof CustodyException ce) {
        throw ce;
      }
      throw new HostException("Failed to mount " + label + " of '" + image + "' read-only: " + e.getMessage(), e);
    }
  }

  /** Unmounts, deactivates and detaches everything; returns what could not be undone. */
  public static List<String> unmountAll(Mounts m) {
    List<String> problems = new ArrayList<>();
    for (int i = m.mounted().size() - 1; i >= 0; i--) {
      Mounted x = m.mounted().get(i);
      ProcessRunner.Result r = run(List.of("umount", x.mountPoint()));
      if (r.exit() != 0 && !r.err().contains("not mounted")) {
        problems.add("umount " + x.mountPoint() + ": " + r.err().trim());
      } else {
        try {
          Files.deleteIfExists(Path.of(x.mountPoint()));
        } catch (IOException e) {
          problems.add("remove " + x.mountPoint() + ": " + e.getMessage());
        }
      }
    }
    for (String vg : m.volumeGroups()) {
      ProcessRunner.Result r = run(List.of("lvm", "vgchange", "-an", "--config", lvmConfig(null, vg), vg));
      if (r.exit() != 0) {
        problems.add("deactivate volume group " + vg + ": " + r.err().trim());
      }
    }
    for (int i = m.loops().size() - 1; i >= 0; i--) {
      ProcessRunner.Result r = run(List.of("losetup", "-d", m.loops().get(i)));
      if (r.exit() != 0 && !r.err().contains("No such device")) {
        problems.add("detach " + m.loops().get(i) + ": " + r.err().trim());
      }
    }
    for (String f : m.workFiles()) {
      try {
        Path p = Path.of(f);
        Files.deleteIfExists(p);
        if (p.getParent() != null && p.getParent().getFileName().toString().equals(WORK)) {
          try (var left = Files.list(p.getParent())) {
            if (left.findAny().isEmpty()) {
              Files.delete(p.getParent());
            }
          }
        }
      } catch (IOException e) {
        problems.add("remove working copy " + f + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /** The folder under the mount root holding working copies (joined LVM volumes). */
  static final String WORK = ".work";

  /**
   * LVM without device-mapper: every logical volume read from its extents, through a read-only loop
   * device at its offset (or over a joined copy when it has several segments). Returns false, doing
   * nothing, when some volume is not linear and device-mapper exists to activate the group instead.
   */
  private static boolean direct(FileChannel ch, Path disk, Partition p, Path root, String label, List<Mounted> mounted, List<String> loops,
      List<String> notes, List<String> refused, List<String> work) throws IOException {
    java.util.Optional<Lvm2.VolumeGroup> found;
    try {
      found = Lvm2.read(ch::read, p.offset(), p.length(), label);
    } catch (io.custody.evidence.InvalidInputException e) {
      notes.add(label + ": LVM physical volume whose metadata cannot be read: " + e.getMessage());
      refused.add(label + " LVM");
      return true;
    }
    if (found.isEmpty()) {
      notes.add(label + ": LVM physical volume without a volume group");
      return true;
    }
    Lvm2.VolumeGroup vg = found.get();
    boolean allLinear = vg.volumes().stream().allMatch(Lvm2.LogicalVolume::readable);
    if (!allLinear && deviceMapper()) {
      return false;
    }
    vg.notes().forEach(n -> notes.add(label + ": " + n));
    if (vg.volumes().isEmpty()) {
      notes.add(label + ": volume group " + vg.name() + " has no logical volumes");
    }
    for (Lvm2.LogicalVolume lv : vg.volumes()) {
      String lvLabel = label + " LVM " + lv.label();
      if (!lv.readable()) {
        notes.add(lvLabel + ": not read without device-mapper, which this kernel lacks: " + lv.unreadable());
        refused.add(lvLabel);
        continue;
      }
      Path source = disk;
      Partition at;
      if (lv.ranges().size() == 1) {
        at = new Partition("lvm", 0, lv.ranges().get(0).offset(), lv.ranges().get(0).length(), "", lv.label());
      } else {
        Path dir = Files.createDirectories(root.resolve(WORK));
        source = dir.resolve(Lvm2.pathLabel(lv) + ".raw");
        work.add(source.toString());
        Lvm2.join(ch::read, lv.ranges(), source);
        at = new Partition("lvm", 0, 0, lv.size(), "", lv.label());
      }
      FileSystem fs;
      try (FileChannel lvch = FileChannel.open(source, StandardOpenOption.READ)) {
        fs = FileSystem.detect(lvch, at.offset(), at.length());
      }
      if (fs.mountType() == null) {
        notes.add(lvLabel + ": no mountable filesystem (" + fs.name().toLowerCase(java.util.Locale.ROOT) + ")");
        continue;
      }
      String loop = loop(source, at, loops);
      mount(loop, fs, root.resolve(Lvm2.pathLabel(lv)), lvLabel + " (read from its extents)", mounted, notes, refused);
    }
    return true;
  }

  /** True when this kernel has device-mapper ({@code /dev/mapper/control} may exist without it: /proc/misc says). */
  public static boolean deviceMapper() {
    try {
      return Files.readString(Path.of("/proc/misc")).contains("device-mapper");
    } catch (IOException e) {
      return false;
    }
  }

  private static String loop(Path disk, Partition p, List<String> loops) {
    String loop = check(List.of("losetup", "--find", "--show", "--read-only", "--offset", Long.toString(p.offset()),
        "--sizelimit", Long.toString(p.length()), disk.toString())).trim();
    loops.add(loop);
    if (!BlockDevice.isReadOnly(Path.of(loop))) {
      throw new HostException("Failed to mount read-only: loop device " + loop + " is writable");
    }
    return loop;
  }

  private static void mount(String device, FileSystem fs, Path dir, String label, List<Mounted> mounted, List<String> notes,
      List<String> refused) throws IOException {
    Files.createDirectories(dir);
    ProcessRunner.Result r = run(List.of("mount", "-t", fs.mountType(), "-o", fs.mountOptions(), device, dir.toString()));
    if (r.exit() != 0 && fs == FileSystem.NTFS) {
      // no ntfs3 in this kernel: ntfs-3g (FUSE, Debian's ntfs-3g), read-only as well
      ProcessRunner.Result fuse = run(List.of("mount", "-t", FileSystem.NTFS_3G, "-o", FileSystem.NTFS_3G_OPTIONS, device, dir.toString()));
      if (fuse.exit() == 0) {
        mounted.add(new Mounted(label, FileSystem.NTFS_3G, device, dir.toString(), FileSystem.NTFS_3G_OPTIONS));
        return;
      }
      Files.deleteIfExists(dir);
      notes.add(label + ": ntfs3 and ntfs-3g would not mount read-only (" + r.err().trim() + "; " + fuse.err().trim() + "); not mounted");
      refused.add(label);
      return;
    }
    if (r.exit() != 0) {
      Files.deleteIfExists(dir);
      notes.add(label + ": " + fs.mountType() + " would not mount read-only (" + r.err().trim() + "); not mounted");
      refused.add(label);
      return;
    }
    mounted.add(new Mounted(label, fs.mountType(), device, dir.toString(), fs.mountOptions()));
  }

  private static void lvm(String pv, Path root, String label, List<Mounted> mounted, List<String> groups, List<String> notes,
      List<String> refused) throws IOException {
    String vgs = check(List.of("lvm", "vgs", "--noheadings", "-o", "vg_name", "--config", lvmConfig(pv, null))).trim();
    if (vgs.isEmpty()) {
      notes.add(label + ": LVM physical volume without a volume group");
      return;
    }
    for (String vg : vgs.split("\\s+")) {
      // A volume group of the same name already active on this host would be confused with the evidence.
      String active = run(List.of("lvm", "vgs", "--noheadings", "-o", "vg_name", "--config", "devices{global_filter=[\"r|^/dev/loop|\"]}")).text();
      if (List.of(active.trim().split("\\s+")).contains(vg)) {
        notes.add(label + ": volume group " + vg + " has the name of one of this host's; not activated");
        refused.add(label + " LVM " + vg);
        continue;
      }
      ProcessRunner.Result act = run(List.of("lvm", "vgchange", "-ay", "--config", lvmConfig(pv, vg), vg));
      if (act.exit() != 0) {
        notes.add(label + ": volume group " + vg + " could not be activated read-only: " + oneLine(act.err()));
        refused.add(label + " LVM " + vg);
        // undo a half activation now; only a group that may still hold active volumes is left for unmount
        if (run(List.of("lvm", "vgchange", "-an", "--config", lvmConfig(pv, vg), vg)).exit() != 0) {
          groups.add(vg);
        }
        continue;
      }
      groups.add(vg);
      String lvs = check(List.of("lvm", "lvs", "--noheadings", "-o", "lv_path,lv_size", "--units", "b", "--nosuffix",
          "--config", lvmConfig(pv, vg), vg)).trim();
      if (lvs.isEmpty()) {
        notes.add(label + ": volume group " + vg + " has no logical volumes");
      }
      for (String line : lvs.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2) {
          continue;
        }
        Path lv = Path.of(f[0]);
        String lvLabel = label + " LVM " + vg + "/" + lv.getFileName();
        if (!Files.exists(lv)) {
          notes.add(lvLabel + ": logical volume could not be activated read-only: " + oneLine(act.err()));
          refused.add(lvLabel);
          continue;
        }
        if (!BlockDevice.isReadOnly(lv)) {
          throw new HostException("Failed to activate volume group " + vg + " read-only: " + lv + " is writable");
        }
        FileSystem fs;
        try (FileChannel ch = FileChannel.open(lv, StandardOpenOption.READ)) {
          fs = FileSystem.detect(ch, 0, Long.parseLong(f[1]));
        }
        if (fs.mountType() == null) {
          notes.add(lvLabel + ": no mountable filesystem");
        } else {
          mount(lv.toString(), fs, root.resolve("lvm-" + vg + "-" + lv.getFileName()), lvLabel, mounted, notes, refused);
        }
      }
    }
  }

  private static ProcessRunner.Result run(List<String> cmd) {
    return tool(cmd).run();
  }

  private static String check(List<String> cmd) {
    return tool(cmd).check().text();
  }

  private static ProcessRunner tool(List<String> cmd) {
    return ProcessRunner.of(cmd).timeout(java.time.Duration.ofMinutes(5)).debianPackage(cmd.get(0).equals("lvm") ? "lvm2" : "util-linux");
  }

  private static String oneLine(String text) {
    String t = text.trim().replaceAll("\\s*\n\\s*", "; ");
    return t.isEmpty() ? "no reason given" : t;
  }

  /**
   * LVM settings for evidence: only the given device is scanned, no metadata may be written, every
   * logical volume of the group is activated read-only, and no udev is assumed.
   */
  static String lvmConfig(String pv, String vg) {
    StringBuilder c = new StringBuilder();
    if (pv != null) {
      c.append("devices{filter=[\"a|^").append(pv).append("$|\",\"r|.*|\"] use_devicesfile=0} ");
    }
    c.append("global{metadata_read_only=1} activation{udev_sync=0 udev_rules=0");
    if (vg != null) {
      c.append(" read_only_volume_list=[\"").append(vg).append("\"]");
    }
    return c.append("}").toString();
  }
}
