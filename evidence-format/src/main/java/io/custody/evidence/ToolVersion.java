package io.custody.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Custody, from the build. */
public final class ToolVersion {

  private static final String VERSION = load();

  private ToolVersion() {}

  /** e.g. {@code 0.1.0}. */
  public static String version() {
    return VERSION;
  }

  /** e.g. {@code custody 0.1.0}: the tool field of custody entries. */
  public static String tool() {
    return "custody " + VERSION;
  }

  private static String load() {
    try (InputStream in = ToolVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
