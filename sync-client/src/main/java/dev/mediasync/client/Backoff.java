package dev.mediasync.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (Brooker, "Exponential Backoff And Jitter", AWS Architecture
 * Blog, 2015): the n-th retry waits a uniformly random time in {@code [0, min(max, min * 2^n)]}.
 * Full jitter spreads the reconnects of many devices after a server restart, which a fixed schedule
 * would synchronise into waves.
 *
 * <p>Immutable and thread-safe if its random source is.
 */
public final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private final DoubleSupplier random;

  /**
   * @param random uniform values in {@code [0, 1)}; tests pass a fixed value
   */
  public Backoff(Duration min, Duration max, DoubleSupplier random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max: " + min + ", " + max);
    }
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The upper bound of the delay before retry {@code attempt} (0-based). */
  public Duration ceiling(int attempt) {
    // Shift no further than 62 bits: past that the product overflows, and max caps it anyway.
    int shift = Math.min(Math.max(attempt, 0), 62);
    long grown = minMillis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : minMillis << shift;
    return Duration.ofMillis(Math.min(maxMillis, grown));
  }

  /** The delay before retry {@code attempt} (0-based): random within {@code [0, ceiling]}. */
  public Duration delay(int attempt) {
    long ceiling = ceiling(attempt).toMillis();
    double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
    return Duration.ofMillis(Math.round(r * ceiling));
  }
}
