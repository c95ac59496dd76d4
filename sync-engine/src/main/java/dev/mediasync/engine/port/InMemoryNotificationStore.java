package dev.mediasync.engine.port;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link NotificationStore} in this process's memory: notifications do not survive a restart.
 *
 * <p>Thread-safe: every method holds the instance lock briefly (lists are at most {@code
 * maxPerUser} long).
 */
public final class InMemoryNotificationStore implements NotificationStore {

  private static final class Kept {
    final StoredNotification notification;
    final Set<String> readBy = new HashSet<>();

    Kept(StoredNotification n) {
      this.notification = n;
    }
  }

  // Guarded by this. user -> notifications, oldest first.
  private final Map<String, Deque<Kept>> users = new HashMap<>();

  @Override
  public synchronized Future<Void> add(StoredNotification n, int maxPerUser) {
    Deque<Kept> q = users.computeIfAbsent(n.userId(), k -> new ArrayDeque<>());
    q.addLast(new Kept(n));
    while (q.size() > Math.max(1, maxPerUser)) {
      q.removeFirst();
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<StoredNotification>> unread(
      String userId, String deviceId, Instant now) {
    List<StoredNotification> out = new ArrayList<>();
    for (Kept k : live(userId, now)) {
      if (!k.readBy.contains(deviceId)) {
        out.add(k.notification);
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<List<StoredNotification>> list(String userId, Instant now) {
    List<StoredNotification> out = new ArrayList<>();
    for (Kept k : live(userId, now)) {
      out.add(k.notification);
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Void> markRead(
      String userId, String deviceId, Collection<String> notificationIds) {
    Deque<Kept> q = users.get(userId);
    if (q != null) {
      for (Kept k : q) {
        if (notificationIds.contains(k.notification.id())) {
          k.readBy.add(deviceId);
        }
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The user's unexpired entries; drops the expired ones on the way. Caller holds the lock. */
  private Collection<Kept> live(String userId, Instant now) {
    Deque<Kept> q = users.get(userId);
    if (q == null) {
      return List.of();
    }
    q.removeIf(k -> k.notification.expiredAt(now));
    if (q.isEmpty()) {
      users.remove(userId);
    }
    return q;
  }
}
