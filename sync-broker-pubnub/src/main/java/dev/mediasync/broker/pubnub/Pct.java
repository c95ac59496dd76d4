package dev.mediasync.broker.pubnub;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding as JavaScript's {@code encodeURIComponent} does it, which is also how PubNub
 * measures a message against its 32 KiB limit ("the final escaped character count").
 */
final class Pct {
  private Pct() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean unreserved(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '-'
        || b == '_'
        || b == '.'
        || b == '!'
        || b == '~'
        || b == '*'
        || b == '\''
        || b == '('
        || b == ')';
  }

  static String encode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte raw : bytes) {
      int b = raw & 0xff;
      if (unreserved(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  /** Length of {@link #encode} without building the string. */
  static int encodedLength(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int n = 0;
    for (byte raw : bytes) {
      n += unreserved(raw & 0xff) ? 1 : 3;
    }
    return n;
  }
}
