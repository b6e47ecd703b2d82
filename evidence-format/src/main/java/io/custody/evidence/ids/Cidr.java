package io.custody.evidence.ids;

import io.custody.evidence.InvalidInputException;
import io.custody.evidence.Printable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.5.0/24}, {@code 2001:db8::/32}), checked on
 * construction: four octets of 0-255 and a prefix of 0-32, or an IPv6 literal and a prefix of 0-128.
 */
public record Cidr(String value) {

  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
  private static final Pattern V6 = Pattern.compile("([0-9a-fA-F:]{2,39})/(\\d{1,3})");

  public Cidr {
    if (value == null || !(v4(value) || v6(value))) {
      throw new InvalidInputException("Failed to parse CIDR '" + Printable.of(String.valueOf(value))
          + "': expected an IPv4 network such as 10.0.5.0/24 (octets 0-255, prefix 0-32) or an IPv6 one such as 2001:db8::/32 (prefix 0-128)");
    }
  }

  private static boolean v4(String s) {
    Matcher m = V4.matcher(s);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return Integer.parseInt(m.group(5)) <= 32;
  }

  private static boolean v6(String s) {
    Matcher m = V6.matcher(s);
    if (!m.matches() || !m.group(1).contains(":") || Integer.parseInt(m.group(2)) > 128) {
      return false;
    }
    try {
      // a literal with ':' is parsed, never looked up
      return InetAddress.getByName(m.group(1)) instanceof Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * True when the address (an IPv4 or IPv6 literal; anything else is never looked up and is false)
   * lies in this network; an IPv4 address never lies in an IPv6 network nor the reverse.
   */
  public boolean contains(String address) {
    byte[] a = literal(address);
    byte[] net = literal(value.substring(0, value.indexOf('/')));
    if (a == null || net == null || a.length != net.length) {
      return false;
    }
    int prefix = Integer.parseInt(value.substring(value.indexOf('/') + 1));
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((a[bit / 8] & mask) != (net[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] literal(String s) {
    if (s == null || !(v4(s + "/0") || s.matches("[0-9a-fA-F:.]{2,45}") && s.contains(":"))) {
      return null; // never a name: nothing is looked up
    }
    try {
      return InetAddress.getByName(s).getAddress(); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
