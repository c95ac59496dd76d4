package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;

/**
 * An append whose timestamp is not greater than the newest op already stored for the user. A shared
 * store (PostgreSQL) refuses such appends so that log order equals commit order across nodes; the
 * engine observes {@link #newest()}, reloads the user's replica and retries.
 */
public final class StaleTimestampException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HybridTimestamp newest;

  public StaleTimestampException(String userId, HybridTimestamp newest) {
    super("timestamp is not after the newest stored op of " + userId + " (" + newest + ")");
    this.newest = newest;
  }

  /** The newest timestamp stored for the user when the append was refused. */
  public HybridTimestamp newest() {
    return newest;
  }
}
