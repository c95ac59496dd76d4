package dev.mediasync.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.Tag;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.ClientMessage.Heartbeat;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import java.io.IOException;

/**
 * Writes device messages: the inverse of {@link JsonCodec#decodeClientFrame}, one branch per
 * record. Field order is fixed (type, body, then {@code op_id} and {@code timestamp}), so equal
 * messages give equal bytes and the golden vectors stay byte-exact.
 */
final class ClientMessageEncoder {
  private ClientMessageEncoder() {}

  static void write(JsonGenerator g, ClientMessage message) throws IOException {
    g.writeStartObject();
    if (message instanceof WatchlistWrite w) {
      g.writeStringField("type", "watchlist_update");
      g.writeStringField("operation", w.operation().wireName());
      g.writeStringField("content_id", w.contentId());
      if (w.tags() != null) {
        g.writeArrayFieldStart("tags");
        for (Tag t : w.tags()) {
          g.writeString(t.toString());
        }
        g.writeEndArray();
      }
      writeWriteTail(g, w.opId(), w.clientTimestamp());
    } else if (message instanceof ProgressWrite p) {
      g.writeStringField("type", "progress_update");
      g.writeStringField("content_id", p.contentId());
      ServerMessageEncoder.writeProgressFields(g, p.progress());
      writeWriteTail(g, p.opId(), p.clientTimestamp());
    } else if (message instanceof PreferenceWrite f) {
      g.writeStringField("type", "preference_update");
      g.writeStringField("key", f.key());
      g.writeFieldName("value");
      g.writeRawValue(f.value().json());
      writeWriteTail(g, f.opId(), f.clientTimestamp());
    } else if (message instanceof Heartbeat) {
      g.writeStringField("type", "heartbeat");
    } else if (message instanceof HandoffAck a) {
      g.writeStringField("type", "handoff_ack");
      g.writeStringField("handoff_id", a.handoffId());
      g.writeStringField("status", a.status().wireName());
      if (a.reason() != null) {
        g.writeStringField("reason", a.reason());
      }
    } else {
      throw new IllegalArgumentException("no encoding for " + message.getClass());
    }
    g.writeEndObject();
  }

  private static void writeWriteTail(JsonGenerator g, String opId, HybridTimestamp ts)
      throws IOException {
    if (opId != null) {
      g.writeStringField("op_id", opId);
    }
    if (ts != null) {
      g.writeStringField("timestamp", ts.toString());
    }
  }
}
