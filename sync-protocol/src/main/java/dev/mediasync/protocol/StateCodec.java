package dev.mediasync.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.LwwMap;
import dev.mediasync.core.LwwRegister;
import dev.mediasync.core.OrSet;
import dev.mediasync.core.Tag;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The full-state form: written to snapshots in the store and sent in {@code snapshot} messages.
 * Everything is written in sorted order, so equal states give equal bytes.
 *
 * <pre>{"latest":"&lt;hlc&gt;",
 *  "watchlist":{"live":{"&lt;content&gt;":["&lt;tag&gt;",...]},"tombstones":{"&lt;tag&gt;":"&lt;hlc&gt;"},"watermark":"&lt;hlc&gt;"|null},
 *  "progress":{"&lt;content&gt;":{"position_seconds":..,"duration_seconds":..,"state":..,"timestamp":..,"device_id":..}},
 *  "preferences":{"&lt;key&gt;":{"value":..,"timestamp":..,"device_id":..}}}</pre>
 */
final class StateCodec {
  private final JsonCodec codec;

  StateCodec(JsonCodec codec) {
    this.codec = codec;
  }

  void write(JsonGenerator g, UserState s) throws IOException {
    g.writeStartObject();
    g.writeStringField("latest", s.latest().toString());
    g.writeObjectFieldStart("watchlist");
    g.writeObjectFieldStart("live");
    for (Map.Entry<String, ? extends Set<Tag>> e : s.watchlist().liveTags().entrySet()) {
      g.writeArrayFieldStart(e.getKey());
      for (Tag t : e.getValue()) {
        g.writeString(t.toString());
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeObjectFieldStart("tombstones");
    for (Map.Entry<Tag, HybridTimestamp> e : s.watchlist().tombstones().entrySet()) {
      g.writeStringField(e.getKey().toString(), e.getValue().toString());
    }
    g.writeEndObject();
    if (s.watchlist().watermark() == null) {
      g.writeNullField("watermark");
    } else {
      g.writeStringField("watermark", s.watchlist().watermark().toString());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("progress");
    for (Map.Entry<String, LwwRegister<Progress>> e : s.progress().entries().entrySet()) {
      g.writeObjectFieldStart(e.getKey());
      ServerMessageEncoder.writeProgressFields(g, e.getValue().value());
      g.writeStringField("timestamp", e.getValue().timestamp().toString());
      g.writeStringField("device_id", e.getValue().deviceId());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeObjectFieldStart("preferences");
    for (Map.Entry<String, LwwRegister<RawJson>> e : s.preferences().entries().entrySet()) {
      g.writeObjectFieldStart(e.getKey());
      g.writeFieldName("value");
      g.writeRawValue(e.getValue().value().json());
      g.writeStringField("timestamp", e.getValue().timestamp().toString());
      g.writeStringField("device_id", e.getValue().deviceId());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  UserState decode(ObjectNode root) {
    JsonFields f = new JsonFields(root);
    HybridTimestamp latest = f.requireTimestamp("latest");
    ObjectNode wl = object(root, "watchlist");
    Map<String, Set<Tag>> live = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(wl, "live").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Set<Tag> tags = new TreeSet<>();
      for (JsonNode t : e.getValue()) {
        tags.add(JsonFields.parseTag("watchlist.live", t.asText()));
      }
      live.put(e.getKey(), tags);
    }
    Map<Tag, HybridTimestamp> tombs = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(wl, "tombstones").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      tombs.put(
          JsonFields.parseTag("watchlist.tombstones", e.getKey()),
          HybridTimestamp.parse(e.getValue().asText()));
    }
    HybridTimestamp watermark = new JsonFields(wl).optionalTimestamp("watermark");
    Map<String, LwwRegister<Progress>> progress = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(root, "progress").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonFields p = new JsonFields((ObjectNode) e.getValue());
      Progress value =
          new Progress(
              p.requireSeconds("position_seconds"),
              p.requireSeconds("duration_seconds"),
              p.requireEnum("state", PlaybackState::fromWire, "a playback state"));
      progress.put(
          e.getKey(),
          LwwRegister.of(value, p.requireTimestamp("timestamp"), p.requireId("device_id")));
    }
    Map<String, LwwRegister<RawJson>> prefs = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object(root, "preferences").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonFields p = new JsonFields((ObjectNode) e.getValue());
      String value;
      try {
        value = codec.mapper().writeValueAsString(p.raw("value"));
      } catch (JsonProcessingException ex) {
        throw SyncException.invalidField("preferences value");
      }
      prefs.put(
          e.getKey(),
          LwwRegister.of(
              new RawJson(value), p.requireTimestamp("timestamp"), p.requireId("device_id")));
    }
    return new UserState(
        OrSet.restore(live, tombs, watermark),
        LwwMap.restore(progress),
        LwwMap.restore(prefs),
        latest);
  }

  private static ObjectNode object(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n == null || !n.isObject()) {
      throw SyncException.invalidField(field + " must be an object");
    }
    return (ObjectNode) n;
  }
}
