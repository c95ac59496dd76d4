package dev.mediasync.core;

/**
 * A remote timestamp lies further ahead of the local physical clock than the configured maximum
 * skew. Accepting it would drag every later local timestamp into the future, so it is refused.
 */
public final class ClockSkewException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long aheadByMillis;
  private final long maxSkewMillis;

  public ClockSkewException(long aheadByMillis, long maxSkewMillis) {
    super(
        "remote timestamp is "
            + aheadByMillis
            + " ms ahead of the local clock (maximum skew "
            + maxSkewMillis
            + " ms)");
    this.aheadByMillis = aheadByMillis;
    this.maxSkewMillis = maxSkewMillis;
  }

  public long aheadByMillis() {
    return aheadByMillis;
  }

  public long maxSkewMillis() {
    return maxSkewMillis;
  }
}
