package dev.mediasync.core;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in
 * Globally Distributed Databases", 2014).
 *
 * <p>Guarantees:
 *
 * <ol>
 *   <li>{@link #now()} is strictly greater than every timestamp this clock returned or observed
 *       before, even when the physical clock stalls or goes backwards.
 *   <li>{@link #observe(HybridTimestamp)} merges a remote reading so that later local readings
 *       order after it (causality across replicas).
 *   <li>A remote reading more than {@code maxSkewMillis} ahead of the physical clock is refused
 *       with {@link ClockSkewException} instead of poisoning the clock.
 *   <li>When the 16-bit counter would overflow within one millisecond, the clock borrows the next
 *       millisecond instead of wrapping, so order is never lost.
 * </ol>
 *
 * <p>Thread-safe: the two methods are synchronized; each holds the lock for a few nanoseconds.
 */
public final class HybridClock {

  /** Default bound on how far a remote timestamp may run ahead of our clock (60 s). */
  public static final long DEFAULT_MAX_SKEW_MILLIS = 60_000;

  private final PhysicalClock physical;
  private final long maxSkewMillis;

  // Guarded by this.
  private long lastMillis;
  private int lastCounter;

  public HybridClock(PhysicalClock physical) {
    this(physical, DEFAULT_MAX_SKEW_MILLIS);
  }

  public HybridClock(PhysicalClock physical, long maxSkewMillis) {
    if (maxSkewMillis < 0) {
      throw new IllegalArgumentException("maxSkewMillis must be >= 0: " + maxSkewMillis);
    }
    this.physical = physical;
    this.maxSkewMillis = maxSkewMillis;
  }

  /** A new timestamp for a local event, strictly after every earlier one. */
  public synchronized HybridTimestamp now() {
    long wall = physicalMillis();
    if (wall > lastMillis) {
      return advanceTo(wall, 0);
    }
    return advanceTo(lastMillis, lastCounter + 1);
  }

  /**
   * Merges a timestamp received from another replica and returns a new local timestamp after both.
   *
   * @throws ClockSkewException if {@code remote} is too far ahead of the physical clock
   */
  public synchronized HybridTimestamp observe(HybridTimestamp remote) {
    long wall = physicalMillis();
    checkSkew(remote, wall);
    long remoteMillis = remote.millis();
    long millis = Math.max(Math.max(lastMillis, remoteMillis), wall);
    int counter;
    if (millis == lastMillis && millis == remoteMillis) {
      counter = Math.max(lastCounter, remote.counter()) + 1;
    } else if (millis == lastMillis) {
      counter = lastCounter + 1;
    } else if (millis == remoteMillis) {
      counter = remote.counter() + 1;
    } else {
      counter = 0;
    }
    return advanceTo(millis, counter);
  }

  /** Throws if {@code remote} is beyond the allowed skew; changes nothing. */
  public void checkSkew(HybridTimestamp remote) {
    checkSkew(remote, physicalMillis());
  }

  /** The last timestamp handed out or observed, without advancing the clock. */
  public synchronized HybridTimestamp peek() {
    return HybridTimestamp.of(lastMillis, lastCounter);
  }

  public long maxSkewMillis() {
    return maxSkewMillis;
  }

  private void checkSkew(HybridTimestamp remote, long wall) {
    long ahead = remote.millis() - wall;
    if (ahead > maxSkewMillis) {
      throw new ClockSkewException(ahead, maxSkewMillis);
    }
  }

  private long physicalMillis() {
    // A wall clock before the epoch or beyond 48 bits is clamped: the HLC stays well-formed and
    // monotonic, driven by its counter, until the wall clock is sane again.
    return Math.min(Math.max(physical.currentTimeMillis(), 0), HybridTimestamp.MAX_MILLIS);
  }

  private HybridTimestamp advanceTo(long millis, int counter) {
    if (counter > HybridTimestamp.MAX_COUNTER) {
      // 65,536 events in one millisecond: borrow the next millisecond rather than wrap.
      millis++;
      counter = 0;
    }
    lastMillis = millis;
    lastCounter = counter;
    return HybridTimestamp.of(millis, counter);
  }
}
