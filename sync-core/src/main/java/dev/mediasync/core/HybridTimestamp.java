package dev.mediasync.core;

/**
 * A hybrid logical clock reading: 48 bits of physical milliseconds and a 16-bit logical counter,
 * packed as the unsigned 64-bit number {@code (millis << 16) | counter}.
 *
 * <p>The packed form gives a total order that matches (millis, counter) order, and the decimal
 * string of that unsigned number is the wire form: JSON numbers lose precision past 2^53, so the
 * wire carries a string.
 */
public final class HybridTimestamp implements Comparable<HybridTimestamp> {

  /** Largest physical millisecond value that fits in 48 bits (year 10889). */
  public static final long MAX_MILLIS = (1L << 48) - 1;

  /** Largest logical counter value that fits in 16 bits. */
  public static final int MAX_COUNTER = 0xFFFF;

  /** The smallest timestamp; every real reading is after it. */
  public static final HybridTimestamp ZERO = new HybridTimestamp(0);

  private static final int MAX_DECIMAL_DIGITS = 20; // 2^64 - 1 = 18446744073709551615

  private final long packed;

  private HybridTimestamp(long packed) {
    this.packed = packed;
  }

  /** Builds a timestamp from its two parts; throws if either is out of range. */
  public static HybridTimestamp of(long millis, int counter) {
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new InvalidTimestampException("physical millis out of 48-bit range: " + millis);
    }
    if (counter < 0 || counter > MAX_COUNTER) {
      throw new InvalidTimestampException("logical counter out of 16-bit range: " + counter);
    }
    return new HybridTimestamp((millis << 16) | counter);
  }

  /** Reads the packed unsigned form, as stored in a database column. */
  public static HybridTimestamp fromPacked(long packed) {
    return new HybridTimestamp(packed);
  }

  /**
   * Parses the wire form: the decimal digits of the packed unsigned number, nothing else (no sign,
   * no spaces, no exponent).
   *
   * @throws InvalidTimestampException with a message naming what is wrong
   */
  public static HybridTimestamp parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidTimestampException("timestamp is empty");
    }
    if (text.length() > MAX_DECIMAL_DIGITS) {
      throw new InvalidTimestampException("timestamp has more than 20 digits");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidTimestampException(
            c == '-' ? "timestamp must not be negative" : "timestamp must be decimal digits only");
      }
    }
    try {
      return new HybridTimestamp(Long.parseUnsignedLong(text));
    } catch (NumberFormatException e) {
      throw new InvalidTimestampException("timestamp exceeds the unsigned 64-bit range");
    }
  }

  public long packed() {
    return packed;
  }

  public long millis() {
    return packed >>> 16;
  }

  public int counter() {
    return (int) (packed & MAX_COUNTER);
  }

  public boolean isAfter(HybridTimestamp other) {
    return compareTo(other) > 0;
  }

  public boolean isBefore(HybridTimestamp other) {
    return compareTo(other) < 0;
  }

  public static HybridTimestamp max(HybridTimestamp a, HybridTimestamp b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(HybridTimestamp other) {
    return Long.compareUnsigned(packed, other.packed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HybridTimestamp other && other.packed == packed;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(packed);
  }

  /** The wire form: decimal digits of the packed unsigned value. */
  @Override
  public String toString() {
    return Long.toUnsignedString(packed);
  }
}
