package io.custody.analyzer.disk;

/**
 * One line of a TSK bodyfile ({@code MD5|name|inode|mode|uid|gid|size|atime|mtime|ctime|crtime}),
 * with the mount prefix taken off the name and a symbolic link's target split off. Lines are read
 * as ISO-8859-1 (one char a byte, so no name can make reading fail) and the names made text by
 * {@link NameText}: bytes that are not UTF-8 become {@code \xNN} and the exact bytes are kept in
 * {@code pathB64}. (TSK itself writes control characters in names as {@code ^}.)
 *
 * @param path the path inside its file system, e.g. {@code /etc/passwd}
 * @param inode TSK's metadata address ({@code 12}, or {@code 64-128-1} on NTFS)
 * @param mode TSK's mode string, e.g. {@code r/rrwsr-xr-x}
 * @param linkTarget for a symbolic link, where it points; else null
 * @param deleted the entry is marked deleted (its name ends in {@code (deleted)})
 * @param pathB64 the exact bytes of the path (Base64) when they are not valid UTF-8, else null
 */
record BodyfileEntry(String path, String inode, String mode, long uid, long gid, long size, long atime, long mtime, long ctime, long crtime,
    String linkTarget, boolean deleted, String pathB64) {

  /** Parses a line read as ISO-8859-1; null for lines that are not entries. The name may itself hold '|'. */
  static BodyfileEntry parse(String line, String prefix) {
    String[] f = line.split("\\|", -1);
    if (f.length < 11) {
      return null;
    }
    int n = f.length;
    String name = String.join("|", java.util.Arrays.copyOfRange(f, 1, n - 9));
    try {
      String mode = f[n - 8];
      boolean deleted = name.endsWith(" (deleted)") || name.endsWith(" (deleted-realloc)");
      if (deleted) {
        name = name.substring(0, name.lastIndexOf(" ("));
      }
      String target = null;
      int arrow = name.indexOf(" -> ");
      if (mode.startsWith("l") && arrow >= 0) {
        target = name.substring(arrow + 4);
        name = name.substring(0, arrow);
      }
      String path = name.startsWith(prefix) ? "/" + name.substring(prefix.length()) : name;
      if (path.contains("//")) {
        path = path.replaceAll("/+", "/");
      }
      NameText p = NameText.ofLatin1(path);
      return new BodyfileEntry(p.text(), f[n - 9], mode, num(f[n - 7]), num(f[n - 6]), num(f[n - 5]), num(f[n - 4]), num(f[n - 3]), num(f[n - 2]),
          num(f[n - 1]), target == null ? null : NameText.ofLatin1(target).text(), deleted, p.b64());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long num(String s) {
    return s.isEmpty() ? 0 : Long.parseLong(s.trim());
  }

  boolean regular() {
    return mode.startsWith("r/r") || mode.startsWith("-/r");
  }

  boolean directory() {
    return mode.startsWith("d/d");
  }

  boolean symlink() {
    return mode.startsWith("l/l");
  }

  /** The permission part of the mode string, e.g. {@code rwsr-xr-x}. */
  String permissions() {
    return mode.length() >= 9 ? mode.substring(mode.length() - 9) : mode;
  }

  boolean setuid() {
    String p = permissions();
    return p.length() == 9 && (p.charAt(2) == 's' || p.charAt(2) == 'S');
  }

  boolean setgid() {
    String p = permissions();
    return p.length() == 9 && (p.charAt(5) == 's' || p.charAt(5) == 'S');
  }

  boolean executable() {
    String p = permissions();
    return p.length() == 9 && (p.charAt(2) != '-' && p.charAt(2) != 'S' || p.charAt(5) != '-' && p.charAt(5) != 'S'
        || p.charAt(8) != '-' && p.charAt(8) != 'T');
  }

  String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  String parent() {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }
}
