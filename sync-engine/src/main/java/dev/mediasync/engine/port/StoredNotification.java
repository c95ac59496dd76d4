package dev.mediasync.engine.port;

import java.time.Instant;
import java.util.Objects;

/**
 * One service notification of a user, as stored until it expires.
 *
 * @param id unique id (a UUID), the wire {@code notification_id}
 * @param userId whose notification
 * @param kind an id chosen by the sending service, e.g. {@code new_episode}
 * @param title short human text
 * @param bodyJson any JSON (compact), or null when the sender gave none
 * @param createdAt when the service accepted it
 * @param expiresAt after this it is neither delivered nor listed
 */
public record StoredNotification(
    String id,
    String userId,
    String kind,
    String title,
    String bodyJson,
    Instant createdAt,
    Instant expiresAt) {
  public StoredNotification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
