package dev.mediasync.broker.redis;

/** Redis cannot be reached right now (connection down, or no answer in time). */
public final class RedisUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RedisUnavailableException(String message) {
    super(message, null, false, false);
  }
}
