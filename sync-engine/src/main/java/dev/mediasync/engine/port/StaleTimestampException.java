package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import java.util.Objects;

/**
 * An append whose timestamp is not greater than the newest one already stored for its user, refused
 * by a store shared by several nodes (see {@link OpStore} rule 7). Nothing was stored; the caller
 * may retry with a timestamp after {@link #newest()}.
 */
public final class StaleTimestampException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String userId;
  private final transient HybridTimestamp newest;

  public StaleTimestampException(String userId, HybridTimestamp newest) {
    super("timestamp not after the newest stored for user " + userId + ": " + newest);
    this.userId = Objects.requireNonNull(userId, "userId");
    this.newest = Objects.requireNonNull(newest, "newest");
  }

  /** The user whose append was refused. */
  public String userId() {
    return userId;
  }

  /** The newest timestamp stored for the user when the append was refused. */
  public HybridTimestamp newest() {
    return newest;
  }
}
