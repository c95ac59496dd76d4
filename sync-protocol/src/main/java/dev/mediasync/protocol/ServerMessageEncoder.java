package dev.mediasync.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mediasync.core.Tag;
import dev.mediasync.protocol.ServerMessage.Ack;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOffline;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.Error;
import dev.mediasync.protocol.ServerMessage.HandoffResult;
import dev.mediasync.protocol.ServerMessage.HeartbeatAck;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import dev.mediasync.protocol.ServerMessage.ProgressUpdate;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import dev.mediasync.protocol.ServerMessage.Welcome;
import java.io.IOException;

/** Writes server messages field by field; one branch per record of the sealed interface. */
final class ServerMessageEncoder {

  void write(JsonGenerator g, ServerMessage message, StateCodec states) throws IOException {
    if (message instanceof SyncOp op) {
      writeOp(g, op, null, null);
    } else if (message instanceof Welcome w) {
      g.writeStartObject();
      g.writeStringField("type", "welcome");
      g.writeStringField("device_id", w.deviceId());
      g.writeStringField("timestamp", w.timestamp().toString());
      g.writeNumberField("heartbeat_seconds", w.heartbeatSeconds());
      g.writeNumberField("presence_timeout_seconds", w.presenceTimeoutSeconds());
      g.writeBooleanField("catch_up", w.catchUp());
      g.writeEndObject();
    } else if (message instanceof Ack a) {
      g.writeStartObject();
      g.writeStringField("type", "ack");
      if (a.opId() != null) {
        g.writeStringField("op_id", a.opId());
      }
      g.writeStringField("timestamp", a.timestamp().toString());
      g.writeBooleanField("applied", a.applied());
      if (a.duplicate()) {
        g.writeBooleanField("duplicate", true);
      }
      g.writeEndObject();
    } else if (message instanceof HeartbeatAck h) {
      g.writeStartObject();
      g.writeStringField("type", "heartbeat_ack");
      g.writeStringField("timestamp", h.timestamp().toString());
      g.writeEndObject();
    } else if (message instanceof DeviceOnline d) {
      g.writeStartObject();
      g.writeStringField("type", "device_online");
      g.writeStringField("device_id", d.deviceId());
      optional(g, "name", d.name());
      optional(g, "device_type", d.deviceType());
      g.writeStringField("at", d.at().toString());
      g.writeEndObject();
    } else if (message instanceof DeviceOffline d) {
      g.writeStartObject();
      g.writeStringField("type", "device_offline");
      g.writeStringField("device_id", d.deviceId());
      g.writeStringField("last_seen", d.lastSeen().toString());
      optional(g, "reason", d.reason());
      g.writeEndObject();
    } else if (message instanceof DeviceCommand c) {
      g.writeStartObject();
      g.writeStringField("type", "device_command");
      g.writeStringField("target_device_id", c.targetDeviceId());
      g.writeStringField("command", c.command().wireName());
      optional(g, "content_id", c.contentId());
      if (c.positionSeconds() != null) {
        g.writeFieldName("position_seconds");
        number(g, c.positionSeconds());
      }
      optional(g, "source_device_id", c.sourceDeviceId());
      optional(g, "handoff_id", c.handoffId());
      g.writeEndObject();
    } else if (message instanceof HandoffResult r) {
      g.writeStartObject();
      g.writeStringField("type", "handoff_result");
      g.writeStringField("handoff_id", r.handoffId());
      g.writeStringField("target_device_id", r.targetDeviceId());
      g.writeStringField("status", r.status().wireName());
      optional(g, "reason", r.reason());
      g.writeEndObject();
    } else if (message instanceof Snapshot s) {
      g.writeStartObject();
      g.writeStringField("type", "snapshot");
      g.writeStringField("timestamp", s.timestamp().toString());
      g.writeFieldName("state");
      states.write(g, s.state());
      g.writeEndObject();
    } else if (message instanceof Notification n) {
      g.writeStartObject();
      g.writeStringField("type", "notification");
      g.writeStringField("notification_id", n.notificationId());
      g.writeStringField("kind", n.kind());
      g.writeStringField("title", n.title());
      if (n.body() != null) {
        g.writeFieldName("body");
        g.writeRawValue(n.body().json());
      }
      g.writeStringField("created_at", n.createdAt().toString());
      g.writeEndObject();
    } else if (message instanceof Error e) {
      g.writeStartObject();
      g.writeStringField("type", "error");
      g.writeStringField("code", e.code().wireName());
      g.writeStringField("message", e.message());
      optional(g, "op_id", e.opId());
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("no encoding for " + message.getClass());
    }
  }

  /** An op, with the REST extras ({@code op_id}, {@code applied}) when not null. */
  void writeOp(JsonGenerator g, SyncOp op, String opId, Boolean applied) throws IOException {
    g.writeStartObject();
    if (op instanceof WatchlistUpdate w) {
      g.writeStringField("type", "watchlist_update");
      g.writeStringField("operation", w.operation().wireName());
      g.writeStringField("content_id", w.contentId());
      if (w.operation() == WatchlistOperation.REMOVE) {
        g.writeArrayFieldStart("tags");
        for (Tag t : w.tags()) {
          g.writeString(t.toString());
        }
        g.writeEndArray();
      }
    } else if (op instanceof ProgressUpdate p) {
      g.writeStringField("type", "progress_update");
      g.writeStringField("content_id", p.contentId());
      writeProgressFields(g, p.progress());
    } else if (op instanceof PreferenceUpdate f) {
      g.writeStringField("type", "preference_update");
      g.writeStringField("key", f.key());
      g.writeFieldName("value");
      g.writeRawValue(f.value().json());
    }
    g.writeStringField("timestamp", op.timestamp().toString());
    g.writeStringField("device_id", op.deviceId());
    optional(g, "op_id", opId);
    if (applied != null) {
      g.writeBooleanField("applied", applied);
    }
    g.writeEndObject();
  }

  static void writeProgressFields(JsonGenerator g, Progress p) throws IOException {
    g.writeFieldName("position_seconds");
    number(g, p.positionSeconds());
    g.writeFieldName("duration_seconds");
    number(g, p.durationSeconds());
    g.writeStringField("state", p.state().wireName());
  }

  /** Whole numbers print without a fraction, so {@code 3245} round-trips as {@code 3245}. */
  static void number(JsonGenerator g, double d) throws IOException {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      g.writeNumber((long) d);
    } else {
      g.writeNumber(d);
    }
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }
}
