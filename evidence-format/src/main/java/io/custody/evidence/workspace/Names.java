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
   * The longest case id: its bundles are named {@code <case id>-<yyyyMMddTHHmmssZ>}, and a bundle id,
   * like every id, is at most 64 characters.
   */
  public static final int MAX_CASE_ID = 64 - "-20260101T000000Z".length();

  /**
   * A new case's id: an {@link #requireId id} of at most {@value #MAX_CASE_ID} characters.
   *
   * @throws InvalidInputException when it is not
   */
  public static String requireNewCaseId(String id) {
    requireId(id, "case id");
    if (id.length() > MAX_CASE_ID) {
      throw new InvalidInputException("Failed to use case id '" + id + "': it has " + id.length() + " characters, at most " + MAX_CASE_ID
          + " are allowed (its bundles are named <case id>-<time of sealing>, at most 64 characters)");
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

  /**
   * The longest stored name of an item's stream: room is left for the side files named after it
   * ({@code <name>.pieces.sha256}) within {@link #safeFileName}'s 100 characters.
   */
  public static final int MAX_STORED_NAME = 100 - ".pieces.sha256".length();

  /**
   * A stream's stored name made from any file name: {@link #safeFileName}, shortened to {@value
   * #MAX_STORED_NAME} characters keeping its extension (up to 12 characters), e.g. {@code .img}.
   */
  public static String storedName(String name) {
    String s = sanitized(name);
    if (s.length() <= MAX_STORED_NAME) {
      return s;
    }
    int dot = s.lastIndexOf('.');
    String ext = dot > 0 && s.length() - dot <= 12 ? s.substring(dot) : "";
    return s.substring(0, MAX_STORED_NAME - ext.length()) + ext;
  }

  /** A file or folder name made safe: other characters become '_', at most 100 characters. */
  public static String safeFileName(String name) {
    String s = sanitized(name);
    return s.length() > 100 ? s.substring(0, 100) : s;
  }

  /** The last component of {@code name} with every character but {@code [A-Za-z0-9._-]} made '_', no leading dot or dash. */
  private static String sanitized(String name) {
    String s = name == null ? "" : name;
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      s = s.substring(slash + 1);
    }
    s = s.replaceAll("[^A-Za-z0-9._-]", "_");
    while (s.startsWith(".") || s.startsWith("-")) {
      s = s.substring(1);
    }
    return s.isEmpty() ? "file" : s;
  }
}
