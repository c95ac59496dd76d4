package dev.mediasync.engine;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.StoredNotification;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.RawJson;
import dev.mediasync.protocol.ServerMessage.Notification;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Service notifications (docs/protocol.md, "Notifications"): a trusted service sends one to a user;
 * it is stored (bounded, with expiry) and published on {@code user.{id}.notifications}, so the
 * user's connected devices get it at once. A device reads each notification once: live, or after
 * its next connect. The transport marks it read for the device when it writes it to the socket
 * ({@link #markRead}), so a device online at send time does not get it again on reconnect.
 */
public final class NotificationService {

  /**
   * @param maxPerUser notifications kept per user; the oldest are dropped first
   * @param defaultTtl expiry when the sender gives none
   * @param maxTtl the longest expiry a sender may ask for
   */
  public record Options(int maxPerUser, Duration defaultTtl, Duration maxTtl) {
    public static final int DEFAULT_MAX_PER_USER = 100;
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    public static final Duration MAX_TTL = Duration.ofDays(30);

    public static Options defaults() {
      return new Options(DEFAULT_MAX_PER_USER, DEFAULT_TTL, MAX_TTL);
    }
  }

  private final NotificationStore store;
  private final Broker broker;
  private final JsonCodec codec;
  private final PhysicalClock clock;
  private final Options options;

  public NotificationService(
      NotificationStore store,
      Broker broker,
      JsonCodec codec,
      PhysicalClock clock,
      Options options) {
    this.store = store;
    this.broker = broker;
    this.codec = codec;
    this.clock = clock;
    this.options = options;
  }

  public Options options() {
    return options;
  }

  public NotificationStore store() {
    return store;
  }

  /**
   * Stores and publishes one notification; completes with it once stored (the publish is best
   * effort: a device that missed it gets it on its next connect).
   *
   * @param ttl null for the default expiry; longer than the maximum is cut to the maximum
   */
  public Future<Notification> send(
      String userId, String kind, String title, RawJson body, Duration ttl) {
    Instant now = Instant.ofEpochMilli(clock.currentTimeMillis());
    Duration keep = ttl == null ? options.defaultTtl() : min(ttl, options.maxTtl());
    StoredNotification n =
        new StoredNotification(
            UUID.randomUUID().toString(),
            userId,
            kind,
            title,
            body == null ? null : body.json(),
            now,
            now.plus(keep));
    Notification message = toMessage(n);
    return store
        .add(n, options.maxPerUser())
        .map(
            v -> {
              broker.publish(
                  new Envelope(
                      userId,
                      Topic.NOTIFICATIONS,
                      codec.encode(message),
                      Route.EVERY_DEVICE,
                      null));
              return message;
            });
  }

  /** What {@code deviceId} has not read yet, oldest first (sent to it after connect). */
  public Future<List<Notification>> unread(String userId, String deviceId) {
    return store
        .unread(userId, deviceId, Instant.ofEpochMilli(clock.currentTimeMillis()))
        .map(list -> list.stream().map(NotificationService::toMessage).toList());
  }

  /** Every unexpired notification of the user (for {@code GET /api/v1/notifications}). */
  public Future<List<Notification>> list(String userId) {
    return store
        .list(userId, Instant.ofEpochMilli(clock.currentTimeMillis()))
        .map(list -> list.stream().map(NotificationService::toMessage).toList());
  }

  public Future<Void> markRead(String userId, String deviceId, List<String> ids) {
    return store.markRead(userId, deviceId, ids);
  }

  /** The id of a notification envelope's JSON, as this service encoded it. */
  public String idOf(Envelope envelope) {
    return ((Notification) codec.decodeServerMessage(envelope.json())).notificationId();
  }

  private static Notification toMessage(StoredNotification n) {
    return new Notification(
        n.id(),
        n.kind(),
        n.title(),
        n.bodyJson() == null ? null : new RawJson(n.bodyJson()),
        n.createdAt());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
