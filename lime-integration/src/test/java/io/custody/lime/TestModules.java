package io.custody.lime;

import java.nio.charset.StandardCharsets;

/** Stand-ins for built LiME modules in tests: enough of an ELF kernel module for the library. */
public final class TestModules {

  private TestModules() {}

  /** ELF magic and a vermagic string naming {@code release}. */
  public static byte[] fake(String release) {
    byte[] b = new byte[4096];
    b[0] = 0x7f;
    b[1] = 'E';
    b[2] = 'L';
    b[3] = 'F';
    byte[] v = ("vermagic=" + release + " SMP preempt mod_unload modversions \0").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, b, 1000, v.length);
    return b;
  }
}
