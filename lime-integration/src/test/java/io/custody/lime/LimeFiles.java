package io.custody.lime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Builds synthetic LiME files for tests: headers as LiME writes them, data from a seeded generator. */
final class LimeFiles {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Random random = new Random(42);

  static LimeFiles create() {
    return new LimeFiles();
  }

  static byte[] header(int magic, int version, long start, long end, long reserved) {
    return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).putInt(version).putLong(start).putLong(end).putLong(reserved).array();
  }

  /** A range filled with random bytes. */
  LimeFiles range(long start, long end) {
    out.writeBytes(header(LimeParser.MAGIC, 1, start, end, 0));
    byte[] data = new byte[(int) (end - start + 1)];
    random.nextBytes(data);
    out.writeBytes(data);
    return this;
  }

  /** A range whose data is all zero. */
  LimeFiles zeroRange(long start, long end) {
    out.writeBytes(header(LimeParser.MAGIC, 1, start, end, 0));
    out.writeBytes(new byte[(int) (end - start + 1)]);
    return this;
  }

  /** A range of random data whose last {@code zeros} bytes are zero. */
  LimeFiles rangeWithZeroTail(long start, long end, int zeros) {
    out.writeBytes(header(LimeParser.MAGIC, 1, start, end, 0));
    byte[] data = new byte[(int) (end - start + 1)];
    random.nextBytes(data);
    java.util.Arrays.fill(data, data.length - zeros, data.length, (byte) 0);
    out.writeBytes(data);
    return this;
  }

  LimeFiles raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
