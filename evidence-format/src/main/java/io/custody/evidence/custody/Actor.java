package io.custody.evidence.custody;

/**
 * Who and where: the examiner, the host the tool runs on, and the tool with its version. Written into
 * every custody entry.
 */
public record Actor(String examiner, String host, String tool) {

  /** The local host name, or {@code unknown-host}. */
  public static String localHost() {
    String env = System.getenv("HOSTNAME");
    try {
      String name = java.net.InetAddress.getLocalHost().getHostName();
      if (name != null && !name.isBlank()) {
        return name;
      }
    } catch (java.io.IOException e) {
      // fall through to the environment
    }
    return env != null && !env.isBlank() ? env : "unknown-host";
  }
}
