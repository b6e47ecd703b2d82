package io.custody.analyzer.disk;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The login records of Linux: {@code utmp}, {@code wtmp} and {@code btmp} (glibc's {@code struct utmp}
 * on x86_64 and aarch64, 384 bytes: type, pid, line, id, user, host, exit status, session, time in
 * seconds and microseconds, IPv4 or IPv6 address) and {@code lastlog} ({@code struct lastlog}, 292
 * bytes, one per UID). Records are read as they are, a file whose size is not a whole number of
 * records is reported (truncated or written over), all-zero records (a wiped stretch) are counted,
 * and text fields are kept as text with anything unprintable escaped.
 */
final class Utmp {

  static final int RECORD = 384;
  static final int LASTLOG = 292;

  /** ut_type values. */
  static final int BOOT_TIME = 2;
  static final int LOGIN_PROCESS = 6;
  static final int USER_PROCESS = 7;
  static final int DEAD_PROCESS = 8;

  /**
   * One record.
   *
   * @param index its place in the file, from 0
   * @param address the IPv4 or IPv6 address the record carries, or null
   */
  record Record(int index, int type, int pid, String line, String id, String user, String host, long seconds, int micros, String address) {

    boolean empty() {
      return type == 0 && seconds == 0 && user.isEmpty() && line.isEmpty();
    }
  }

  /**
   * What a file held.
   *
   * @param trailing bytes after the last whole record (a cut or overwritten file), 0 when none
   * @param zeroed records that are all zeros (a wiped stretch)
   */
  record Parsed(List<Record> records, long trailing, int zeroed) {}

  private Utmp() {}

  static Parsed parse(byte[] data) {
    List<Record> out = new ArrayList<>();
    int zeroed = 0;
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int n = data.length / RECORD;
    for (int i = 0; i < n; i++) {
      int at = i * RECORD;
      if (allZero(data, at, RECORD)) {
        zeroed++;
        continue;
      }
      int type = b.getShort(at);
      int pid = b.getInt(at + 4);
      String line = text(data, at + 8, 32);
      String id = text(data, at + 40, 4);
      String user = text(data, at + 44, 32);
      String host = text(data, at + 76, 256);
      long sec = Integer.toUnsignedLong(b.getInt(at + 340));
      int usec = b.getInt(at + 344);
      out.add(new Record(i, type, pid, line, id, user, host, sec, usec, address(data, at + 348)));
    }
    return new Parsed(out, data.length % RECORD, zeroed);
  }

  /** One lastlog entry: the UID (its index), the time, line and host of that user's last login. */
  record LastLogin(long uid, long seconds, String line, String host) {}

  /** The entries of a lastlog file that hold a login (a file is sparse: most UIDs have none). */
  static List<LastLogin> lastlog(byte[] data) {
    List<LastLogin> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.length / LASTLOG; i++) {
      int at = i * LASTLOG;
      long t = Integer.toUnsignedLong(b.getInt(at));
      if (t == 0) {
        continue;
      }
      out.add(new LastLogin(i, t, text(data, at + 4, 32), text(data, at + 36, 256)));
    }
    return out;
  }

  /** ut_addr_v6: IPv4 in the first word when the others are zero, else IPv6; null when all zero. */
  private static String address(byte[] d, int at) {
    if (allZero(d, at, 16)) {
      return null;
    }
    try {
      if (allZero(d, at + 4, 12)) {
        return InetAddress.getByAddress(java.util.Arrays.copyOfRange(d, at, at + 4)).getHostAddress();
      }
      return InetAddress.getByAddress(java.util.Arrays.copyOfRange(d, at, at + 16)).getHostAddress();
    } catch (UnknownHostException e) {
      return null; // four or sixteen bytes are always an address
    }
  }

  /** A NUL-terminated field, bytes outside printable ASCII escaped as \xNN. */
  static String text(byte[] d, int at, int max) {
    int end = at;
    while (end < at + max && d[end] != 0) {
      end++;
    }
    StringBuilder s = new StringBuilder();
    for (int i = at; i < end; i++) {
      int c = d[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return new String(s.toString().getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
  }

  private static boolean allZero(byte[] d, int at, int n) {
    for (int i = at; i < at + n; i++) {
      if (d[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
