package io.custody.evidence.workspace;

import io.custody.evidence.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The naming rules of cases and bundles: every path uses only {@code [A-Za-z0-9._/-]}, no component
 * is empty, {@code .} or {@code ..}, none starts with a dot or dash.
 */
public final class Names {

  /** Case ids and item ids: 1 to 64 characters, starting with a letter or digit. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** Source ids: AWS ids and ARNs, host names: 1 to 256 of A-Z a-z 0-9 . _ : / @ + = , - */
  public static final Pattern SOURCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+=,-]{0,255}");

  private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");

  /** The longest relative path a bundle may hold. */
  public static final int MAX_PATH = 1024;

  private Names() {}

  /**
   * @throws InvalidInputException when {@code id} is not a valid case or item id
   */
  public static String requireId(String id, String what) {
    if (id == null || !ID.matcher(id).matches() || id.contains("..")) {
      throw new InvalidInputException("Failed to use " + what + " '" + id
          + "': use 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit");
    }
    return id;
  }

  /**
   * @throws InvalidInputException when {@code id} is not a valid source id
   */
  public static String requireSourceId(String id) {
    if (id == null || !SOURCE_ID.matcher(id).matches()) {
      throw new InvalidInputException("Failed to use source id '" + id
          + "': use 1 to 256 of A-Z a-z 0-9 . _ : / @ + = , - starting with a letter or digit");
    }
    return id;
  }

  /** True when {@code path} is a safe relative path (components joined by single slashes). */
  public static boolean isSafeRelativePath(String path) {
    if (path == null || path.isEmpty() || path.length() > MAX_PATH) {
      return false;
    }
    for (String c : path.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches() || c.equals("..") || c.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /** A file or folder name made safe: other characters become '_', at most 100 characters. */
  public static String safeFileName(String name) {
    String s = name == null ? "" : name;
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      s = s.substring(slash + 1);
    }
    s = s.replaceAll("[^A-Za-z0-9._-]", "_");
    while (s.startsWith(".") || s.startsWith("-")) {
      s = s.substring(1);
    }
    if (s.length() > 100) {
      s = s.substring(0, 100);
    }
    return s.isEmpty() ? "file" : s;
  }
}
