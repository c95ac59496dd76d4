package dev.mediasync.engine;

import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Topic;

/**
 * Observability hooks of the engine: metrics and logs are listeners. Implementations must be fast
 * and must not throw or block; they are called on event loops and on store threads.
 */
public interface SyncListener {

  SyncListener NONE = new SyncListener() {};

  /** An op became durable, {@code nanos} after it was handed to the store. */
  default void opStored(long nanos) {}

  /** A write was refused; {@code reason} is a short snake_case label. */
  default void opRejected(String reason) {}

  /** A publish to the broker failed; devices will catch up from the store. */
  default void publishFailed(Topic topic, Throwable cause) {}

  /** A background compaction failed; the log is longer than planned, nothing is lost. */
  default void compactionFailed(String userId, Throwable cause) {}

  /** A session opened or closed on this node. */
  default void sessionOpened() {}

  default void sessionClosed(String reason) {}

  /** A catch-up on connect was served from the log ({@code snapshot} false) or as a snapshot. */
  default void catchUpServed(boolean snapshot, int ops) {}

  /** A message was written to {@code recipients} local sockets. */
  default void fannedOut(int recipients) {}

  /**
   * {@code envelope} was handed to {@code recipients} local sockets (called right after {@link
   * #fannedOut}, with the envelope, so a listener can tell topics apart and, for ops, measure the
   * time since the op's HLC timestamp was taken).
   */
  default void delivered(Envelope envelope, int recipients) {}
}
