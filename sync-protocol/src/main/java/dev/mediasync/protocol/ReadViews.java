package dev.mediasync.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mediasync.core.LwwRegister;
import java.io.IOException;
import java.util.Map;

/** The bodies of the REST read endpoints. */
final class ReadViews {
  private ReadViews() {}

  static void watchlist(JsonGenerator g, UserState state) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("items");
    for (String contentId : state.watchlist().elements()) {
      g.writeStartObject();
      g.writeStringField("content_id", contentId);
      g.writeStringField("added_at", state.watchlist().addedAt(contentId).toString());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeStringField("timestamp", state.latest().toString());
    g.writeEndObject();
  }

  static void progress(JsonGenerator g, UserState state, String onlyContentId) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("items");
    for (Map.Entry<String, LwwRegister<Progress>> e : state.progress().entries().entrySet()) {
      if (onlyContentId != null && !onlyContentId.equals(e.getKey())) {
        continue;
      }
      LwwRegister<Progress> reg = e.getValue();
      g.writeStartObject();
      g.writeStringField("content_id", e.getKey());
      ServerMessageEncoder.writeProgressFields(g, reg.value());
      g.writeStringField("timestamp", reg.timestamp().toString());
      g.writeStringField("device_id", reg.deviceId());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void preferences(JsonGenerator g, UserState state) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("items");
    for (Map.Entry<String, LwwRegister<RawJson>> e : state.preferences().entries().entrySet()) {
      LwwRegister<RawJson> reg = e.getValue();
      g.writeObjectFieldStart(e.getKey());
      g.writeFieldName("value");
      g.writeRawValue(reg.value().json());
      g.writeStringField("timestamp", reg.timestamp().toString());
      g.writeStringField("device_id", reg.deviceId());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }
}
