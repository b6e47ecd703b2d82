package io.custody.analyzer.disk;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A file name from the evidence as text, without losing a byte: names are bytes, and an attacker can
 * make them anything ({@code touch $'\xff'}). A name that is valid UTF-8 is that text; any other has
 * each byte that is not part of a valid UTF-8 sequence written as {@code \xNN}, and its exact bytes
 * in {@code b64} (Base64), which is then the authority.
 *
 * @param text the name as people read it
 * @param b64 the name's bytes in Base64 when they are not valid UTF-8; null when {@code text} is exact
 */
record NameText(String text, String b64) {

  /**
   * From a name read as ISO-8859-1 (each char one byte: how bodyfiles are read).
   */
  static NameText ofLatin1(String latin1) {
    int n = latin1.length();
    int i = 0;
    while (i < n && latin1.charAt(i) < 0x80) {
      i++;
    }
    if (i == n) {
      return new NameText(latin1, null); // ASCII, the common case: nothing to decode
    }
    return of(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** From a name's bytes. */
  static NameText of(byte[] raw) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(raw);
    CharBuffer out = CharBuffer.allocate(raw.length * 4 + 4);
    boolean exact = true;
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isUnderflow()) {
        break;
      }
      if (r.isError()) {
        exact = false;
        for (int k = 0; k < r.length(); k++) {
          out.put(String.format("\\x%02X", in.get() & 0xff));
        }
      } else {
        break; // overflow cannot happen: out holds four chars a byte
      }
    }
    d.flush(out);
    out.flip();
    return new NameText(out.toString(), exact ? null : Base64.getEncoder().encodeToString(raw));
  }
}
