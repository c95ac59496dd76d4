package dev.mediasync.protocol;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.Tag;
import java.time.Instant;
import java.util.List;

/** Every message the server sends to a device. Encoded only by {@link JsonCodec}. */
public sealed interface ServerMessage {

  /**
   * An applied state change, as broadcast to the user's other devices, stored in the op log and
   * returned to REST writers. {@code timestamp} is the HLC the server gave it.
   */
  sealed interface SyncOp extends ServerMessage {
    HybridTimestamp timestamp();

    String deviceId();
  }

  /**
   * A watchlist add or remove. For an add the tag is (timestamp, deviceId); a remove names tags.
   */
  record WatchlistUpdate(
      WatchlistOperation operation,
      String contentId,
      HybridTimestamp timestamp,
      String deviceId,
      List<Tag> tags)
      implements SyncOp {
    public WatchlistUpdate {
      tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The tag an add creates. */
    public Tag addTag() {
      return new Tag(timestamp, deviceId);
    }
  }

  record ProgressUpdate(
      String contentId, Progress progress, HybridTimestamp timestamp, String deviceId)
      implements SyncOp {}

  record PreferenceUpdate(String key, RawJson value, HybridTimestamp timestamp, String deviceId)
      implements SyncOp {}

  /** First message on every socket. */
  record Welcome(
      String deviceId,
      HybridTimestamp timestamp,
      int heartbeatSeconds,
      int presenceTimeoutSeconds,
      boolean catchUp)
      implements ServerMessage {}

  /** Answer to a WebSocket write. */
  record Ack(String opId, HybridTimestamp timestamp, boolean applied, boolean duplicate)
      implements ServerMessage {}

  record HeartbeatAck(HybridTimestamp timestamp) implements ServerMessage {}

  record DeviceOnline(String deviceId, String name, String deviceType, Instant at)
      implements ServerMessage {}

  record DeviceOffline(String deviceId, Instant lastSeen, String reason) implements ServerMessage {}

  /** A command for one device; handoff fills content, position, source and handoff id. */
  record DeviceCommand(
      String targetDeviceId,
      DeviceCommandKind command,
      String contentId,
      Double positionSeconds,
      String sourceDeviceId,
      String handoffId)
      implements ServerMessage {}

  /** The outcome a handoff target reported, sent to the user's other devices. */
  record HandoffResult(String handoffId, String targetDeviceId, HandoffStatus status, String reason)
      implements ServerMessage {}

  /**
   * The whole state, sent instead of ops when the op log no longer reaches back to {@code since}.
   */
  record Snapshot(UserState state, HybridTimestamp timestamp) implements ServerMessage {}

  /** A service notification for the user. */
  record Notification(
      String notificationId, String kind, String title, RawJson body, Instant createdAt)
      implements ServerMessage {}

  /** A frame was refused; the socket stays open. */
  record Error(ErrorCode code, String message, String opId) implements ServerMessage {}
}
