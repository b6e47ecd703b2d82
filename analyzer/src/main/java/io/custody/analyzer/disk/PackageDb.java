package io.custody.analyzer.disk;

import io.custody.evidence.Printable;
import io.custody.evidence.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the image's package managers say they installed, with each file's recorded digest: dpkg
 * ({@code /var/lib/dpkg/info/*.list} and {@code *.md5sums}, the conffiles' MD5 in {@code status}) and
 * RPM (Amazon Linux 2's Berkeley DB {@code /var/lib/rpm/Packages}, Amazon Linux 2023's and RHEL 9's
 * {@code rpmdb.sqlite} in {@code /var/lib/rpm} or {@code /usr/lib/sysimage/rpm}), read by Debian's
 * {@code rpm} with {@code --dbpath} on a copy of the database in the work folder (nothing of the
 * image is opened for writing; the query runs no scriptlet).
 *
 * <p>Paths are as the databases list them; {@link #resolve} maps them through the image's merged-/usr
 * links ({@code /bin → usr/bin}).
 */
final class PackageDb {

  /** The largest database file copied out of the image. */
  static final int MAX_DB_FILE = 1 << 30;

  /**
   * One file a package owns.
   *
   * @param algorithm the MessageDigest name of its recorded digest, or null when none is recorded
   * @param config a configuration file (dpkg conffile, RPM %config): edits are expected
   */
  record Owned(String pkg, String algorithm, String digest, boolean config, String db) {}

  private final Map<String, Owned> files = new HashMap<>();
  private final Set<String> paths = new HashSet<>();
  private final List<String> sources = new ArrayList<>();

  private PackageDb() {}

  Map<String, Owned> files() {
    return files;
  }

  Set<String> paths() {
    return paths;
  }

  /** The databases read, e.g. {@code dpkg (412 packages)}; empty when the image has none. */
  List<String> sources() {
    return sources;
  }

  static PackageDb load(FsView fs, Path work) {
    PackageDb db = new PackageDb();
    db.dpkg(fs);
    for (String dir : List.of("/var/lib/rpm", "/usr/lib/sysimage/rpm")) {
      db.rpm(fs, dir, work);
    }
    for (String p : List.copyOf(db.paths)) {
      db.paths.add(resolve(fs, p)); // /bin/ls as dpkg lists it is /usr/bin/ls on a merged-/usr image
    }
    return db;
  }

  private void dpkg(FsView fs) {
    int packages = 0;
    for (BodyfileEntry e : fs.filesUnder("/var/lib/dpkg/info")) {
      String name = e.name();
      if (name.endsWith(".list")) {
        packages++;
        for (String line : fs.text(e).split("\n")) {
          if (line.startsWith("/")) {
            paths.add(line.strip());
          }
        }
      } else if (name.endsWith(".md5sums")) {
        String pkg = name.substring(0, name.length() - 8);
        for (String line : fs.text(e).split("\n")) {
          int sp = line.indexOf("  ");
          if (sp == 32 && line.substring(0, 32).matches("[0-9a-f]{32}")) {
            files.putIfAbsent("/" + line.substring(34).strip(), new Owned(pkg, "MD5", line.substring(0, 32), false, "dpkg"));
          }
        }
      }
    }
    BodyfileEntry status = fs.get("/var/lib/dpkg/status");
    if (status != null && status.regular()) {
      String pkg = null;
      boolean conffiles = false;
      for (String line : new String(fs.bytes(status, 256 << 20), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("Package: ")) {
          pkg = line.substring(9).strip();
          conffiles = false;
        } else if (line.startsWith("Conffiles:")) {
          conffiles = true;
        } else if (conffiles && line.startsWith(" /")) {
          String[] f = line.strip().split("\\s+");
          if (f.length >= 2 && f[1].matches("[0-9a-f]{32}")) {
            files.put(f[0], new Owned(pkg, "MD5", f[1], true, "dpkg"));
            paths.add(f[0]);
          }
        } else if (!line.startsWith(" ")) {
          conffiles = false;
        }
      }
    }
    if (packages > 0) {
      sources.add("dpkg (" + packages + " packages)");
    }
  }

  private void rpm(FsView fs, String dir, Path work) {
    List<BodyfileEntry> parts = new ArrayList<>();
    boolean sqlite = false;
    boolean bdb = false;
    for (BodyfileEntry e : fs.children(dir)) {
      if (!e.regular() || !e.name().matches("rpmdb\\.sqlite(-wal|-shm)?|Packages|Name|Basenames|Providename|Requirename|__db\\.\\d{3}|Index\\.db")) {
        continue;
      }
      sqlite |= e.name().equals("rpmdb.sqlite");
      bdb |= e.name().equals("Packages");
      parts.add(e);
    }
    if (!sqlite && !bdb) {
      return;
    }
    Path copy;
    try {
      copy = Files.createTempDirectory(Files.createDirectories(work), "rpmdb-");
      for (BodyfileEntry e : parts) {
        if (e.size() > MAX_DB_FILE) {
          fs.note(dir + "/" + e.name() + " is larger than " + MAX_DB_FILE + " bytes: the RPM database was not read");
          return;
        }
        Files.write(copy.resolve(e.name()), fs.bytes(e, MAX_DB_FILE));
      }
    } catch (IOException x) {
      fs.note("the RPM database in " + dir + " could not be copied for reading: " + x.getMessage());
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("rpm", "--dbpath", copy.toString()));
    if (!sqlite) {
      cmd.addAll(List.of("--define", "_db_backend bdb_ro"));
    }
    cmd.addAll(List.of("-qa", "--qf", "[%{=NAME}\\t%{=FILEDIGESTALGO}\\t%{FILEFLAGS}\\t%{FILEDIGESTS}\\t%{FILENAMES}\\n]"));
    ProcessRunner.Result r = ProcessRunner.of(cmd).timeout(Duration.ofMinutes(10)).maxOutput(512 << 20).debianPackage("rpm").run();
    RawImage.deleteTree(copy);
    if (!r.ok() || r.truncated()) {
      fs.note("the RPM database in " + dir + " could not be read (rpm exit " + r.exit() + (r.truncated() ? ", output too large" : "") + "): "
          + Printable.of(r.err().lines().reduce((a, b) -> b).orElse("")));
      return;
    }
    Set<String> names = new HashSet<>();
    for (String line : r.text().split("\n")) {
      String[] f = line.split("\t", 5);
      if (f.length < 5 || !f[4].startsWith("/")) {
        continue;
      }
      names.add(f[0]);
      paths.add(f[4]);
      String algorithm = switch (f[1]) {
        case "1" -> "MD5";
        case "2" -> "SHA-1";
        case "8" -> "SHA-256";
        case "9" -> "SHA-384";
        case "10" -> "SHA-512";
        case "11" -> "SHA-224";
        default -> null;
      };
      boolean config = f[2].matches("\\d{1,10}") && (Long.parseLong(f[2]) & 1) != 0;
      if (algorithm != null && f[3].matches("[0-9a-f]{32,128}")) {
        files.put(f[4], new Owned(f[0], algorithm, f[3], config, "rpm"));
      }
    }
    sources.add("rpm " + dir + " (" + names.size() + " packages, " + (sqlite ? "sqlite" : "Berkeley DB") + ")");
  }

  /**
   * The path as the image holds it: a first component that is a link into /usr on a merged-/usr
   * system ({@code /bin}, {@code /sbin}, {@code /lib}, {@code /lib64}) is followed, in the image's
   * own listing; nothing else is.
   */
  static String resolve(FsView fs, String path) {
    if (fs.get(path) != null) {
      return path;
    }
    int slash = path.indexOf('/', 1);
    if (slash < 0) {
      return path;
    }
    BodyfileEntry top = fs.get(path.substring(0, slash));
    if (top != null && top.symlink() && top.linkTarget() != null && top.linkTarget().matches("/?usr/(bin|sbin|lib|lib32|lib64|libx32)")) {
      String target = top.linkTarget().startsWith("/") ? top.linkTarget() : "/" + top.linkTarget();
      return target + path.substring(slash);
    }
    return path;
  }
}
