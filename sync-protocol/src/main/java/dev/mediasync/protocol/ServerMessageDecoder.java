package dev.mediasync.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mediasync.protocol.ServerMessage.Ack;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOffline;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.Error;
import dev.mediasync.protocol.ServerMessage.HandoffResult;
import dev.mediasync.protocol.ServerMessage.HeartbeatAck;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.Welcome;

/**
 * Reads server messages: the inverse of {@link ServerMessageEncoder}, one branch per record. Every
 * field the encoder writes as optional is optional here; everything else is required, so a message
 * that would not re-encode to itself fails here instead of inside an SDK callback.
 */
final class ServerMessageDecoder {
  private final JsonCodec codec;

  ServerMessageDecoder(JsonCodec codec) {
    this.codec = codec;
  }

  ServerMessage decode(ObjectNode node, JsonFields f) {
    String type = f.requireString("type");
    return switch (type) {
      case "watchlist_update", "progress_update", "preference_update" -> codec.op(f, type);
      case "welcome" ->
          new Welcome(
              f.requireId("device_id"),
              f.requireTimestamp("timestamp"),
              f.requireInt("heartbeat_seconds"),
              f.requireInt("presence_timeout_seconds"),
              f.requireBoolean("catch_up"));
      case "ack" ->
          new Ack(
              f.optionalId("op_id"),
              f.requireTimestamp("timestamp"),
              f.requireBoolean("applied"),
              f.optionalBoolean("duplicate", false));
      case "heartbeat_ack" -> new HeartbeatAck(f.requireTimestamp("timestamp"));
      case "device_online" ->
          new DeviceOnline(
              f.requireId("device_id"),
              f.optionalString("name"),
              f.optionalString("device_type"),
              f.requireInstant("at"));
      case "device_offline" ->
          new DeviceOffline(
              f.requireId("device_id"), f.requireInstant("last_seen"), f.optionalString("reason"));
      case "device_command" ->
          new DeviceCommand(
              f.requireId("target_device_id"),
              f.requireEnum("command", DeviceCommandKind::fromWire, "play, pause, stop, seek"),
              f.optionalId("content_id"),
              f.optionalSeconds("position_seconds"),
              f.optionalId("source_device_id"),
              f.optionalId("handoff_id"));
      case "handoff_result" ->
          new HandoffResult(
              f.requireId("handoff_id"),
              f.requireId("target_device_id"),
              f.requireEnum("status", HandoffStatus::fromWire, "accepted, rejected"),
              f.optionalString("reason"));
      case "snapshot" -> new Snapshot(state(node), f.requireTimestamp("timestamp"));
      case "notification" ->
          new Notification(
              f.requireString("notification_id"),
              f.requireString("kind"),
              f.requireString("title"),
              f.has("body") ? codec.compact(f.raw("body"), "body") : null,
              f.requireInstant("created_at"));
      case "error" ->
          new Error(
              f.requireEnum("code", ServerMessageDecoder::errorCode, "a catalogued error code"),
              f.requireString("message"),
              f.optionalId("op_id"));
      default ->
          throw new SyncException(
              ErrorCode.UNKNOWN_TYPE, "unknown message type: " + JsonCodec.clip(type));
    };
  }

  private UserState state(ObjectNode node) {
    JsonNode state = node.get("state");
    if (state == null || !state.isObject()) {
      throw SyncException.invalidField("state must be an object");
    }
    return codec.states().decode((ObjectNode) state);
  }

  private static ErrorCode errorCode(String wireName) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.wireName().equals(wireName)) {
        return c;
      }
    }
    return null;
  }
}
