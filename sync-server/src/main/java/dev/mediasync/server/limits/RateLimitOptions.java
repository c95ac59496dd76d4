package dev.mediasync.server.limits;

/**
 * Per-node request and connection limits (README, "Rate limits"). A rate of 0 turns that limit off.
 *
 * @param devicePerSecond sustained requests/messages per device ({@code
 *     SYNC_RATE_LIMIT_DEVICE_PER_SECOND})
 * @param deviceBurst bucket size per device ({@code SYNC_RATE_LIMIT_DEVICE_BURST})
 * @param userPerSecond sustained requests/messages per user over all devices ({@code
 *     SYNC_RATE_LIMIT_USER_PER_SECOND})
 * @param userBurst bucket size per user ({@code SYNC_RATE_LIMIT_USER_BURST})
 * @param maxConnectionsPerUser open WebSockets per user on this node ({@code
 *     SYNC_MAX_CONNECTIONS_PER_USER})
 * @param connectsPerIpPerSecond WebSocket upgrades per client IP per second, also the burst ({@code
 *     SYNC_RATE_LIMIT_CONNECT_PER_IP_PER_SECOND})
 * @param abuseFactor a socket refused this many times the device burst in a row is closed with 4003
 *     ({@code SYNC_RATE_LIMIT_ABUSE_FACTOR})
 */
public record RateLimitOptions(
    long devicePerSecond,
    long deviceBurst,
    long userPerSecond,
    long userBurst,
    int maxConnectionsPerUser,
    long connectsPerIpPerSecond,
    int abuseFactor) {

  public static final long DEFAULT_DEVICE_PER_SECOND = 50;
  public static final long DEFAULT_DEVICE_BURST = 100;
  public static final long DEFAULT_USER_PER_SECOND = 200;
  public static final long DEFAULT_USER_BURST = 400;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 20;
  public static final long DEFAULT_CONNECTS_PER_IP_PER_SECOND = 50;
  public static final int DEFAULT_ABUSE_FACTOR = 10;

  public RateLimitOptions {
    if (devicePerSecond < 0 || userPerSecond < 0 || connectsPerIpPerSecond < 0) {
      throw new IllegalArgumentException("rates must be >= 0");
    }
    if (devicePerSecond > 0 && deviceBurst < 1 || userPerSecond > 0 && userBurst < 1) {
      throw new IllegalArgumentException("bursts must be >= 1");
    }
    if (maxConnectionsPerUser < 0 || abuseFactor < 1) {
      throw new IllegalArgumentException("bad connection limit or abuse factor");
    }
  }

  public static RateLimitOptions defaults() {
    return new RateLimitOptions(
        DEFAULT_DEVICE_PER_SECOND,
        DEFAULT_DEVICE_BURST,
        DEFAULT_USER_PER_SECOND,
        DEFAULT_USER_BURST,
        DEFAULT_MAX_CONNECTIONS_PER_USER,
        DEFAULT_CONNECTS_PER_IP_PER_SECOND,
        DEFAULT_ABUSE_FACTOR);
  }

  /** No limit at all (0 everywhere). */
  public static RateLimitOptions unlimited() {
    return new RateLimitOptions(0, 0, 0, 0, 0, 0, 1);
  }

  /** Refused messages in a row after which a socket is closed as abusive. */
  public long abuseThreshold() {
    return (long) abuseFactor * Math.max(1, deviceBurst);
  }
}
