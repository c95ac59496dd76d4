package dev.mediasync.engine.port;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Per-user service notifications kept for devices that are offline, with per-device read marks.
 * Adapters: in-memory (one node, lost on restart) and SQLite (durable, next to the op log).
 *
 * <p>Every adapter MUST:
 *
 * <ol>
 *   <li><b>Never block the caller.</b> Methods return a {@link Future} at once.
 *   <li><b>Bound each user.</b> {@link #add} keeps at most {@code maxPerUser} notifications of the
 *       user, dropping the oldest first.
 *   <li><b>Honour expiry.</b> A notification at or past its {@code expiresAt} is never returned
 *       again and may be deleted at any time.
 *   <li><b>Order.</b> Lists are oldest first ({@code createdAt}, then insertion order).
 *   <li><b>Read marks are per device</b> and idempotent; marking an unknown id is not an error.
 * </ol>
 */
public interface NotificationStore {

  Future<Void> add(StoredNotification notification, int maxPerUser);

  /** The user's unexpired notifications that {@code deviceId} has not read. */
  Future<List<StoredNotification>> unread(String userId, String deviceId, Instant now);

  /** Every unexpired notification of the user, read or not. */
  Future<List<StoredNotification>> list(String userId, Instant now);

  Future<Void> markRead(String userId, String deviceId, Collection<String> notificationIds);

  /** Succeeds if the backend is reachable now. */
  Future<Void> ping();

  Future<Void> close();
}
