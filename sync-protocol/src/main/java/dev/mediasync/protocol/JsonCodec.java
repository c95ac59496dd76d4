package dev.mediasync.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.ClientMessage.Heartbeat;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import dev.mediasync.protocol.ServerMessage.ProgressUpdate;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The one JSON codec: the only place where strings become protocol records and back.
 *
 * <p>Decoding validates every field and fails with a {@link SyncException} ({@code invalid_json}
 * for text that is not one JSON object within the depth limit, {@code invalid_field} for a wrong,
 * missing or out-of-range field, {@code unknown_type} for a {@code type} we do not know). Unknown
 * extra fields are ignored, so older servers accept newer clients (documented in protocol.md).
 *
 * <p>Thread-safe and allocation-light: encoders write straight to a generator.
 */
public final class JsonCodec {

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  private final ServerMessageEncoder encoder;
  private final StateCodec states;
  private final ServerMessageDecoder serverDecoder;

  public JsonCodec() {
    JsonFactory f =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(Limits.MAX_JSON_DEPTH)
                    .maxStringLength(Limits.MAX_MESSAGE_BYTES)
                    .maxNumberLength(64)
                    .build())
            .build();
    f.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.mapper = new ObjectMapper(f);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.factory = f;
    this.encoder = new ServerMessageEncoder();
    this.states = new StateCodec(this);
    this.serverDecoder = new ServerMessageDecoder(this);
  }

  // ---- decoding -------------------------------------------------------------------------------

  /** Parses a WebSocket frame from a device. */
  public ClientMessage decodeClientFrame(String text) {
    ObjectNode node = parseObject(text);
    JsonFields f = new JsonFields(node);
    String type = f.requireString("type");
    switch (type) {
      case "watchlist_update":
        return watchlistWrite(f);
      case "progress_update":
        return progressWrite(f);
      case "preference_update":
        return preferenceWrite(f.requireId("key"), f);
      case "heartbeat":
        return new Heartbeat();
      case "handoff_ack":
        return new HandoffAck(
            f.requireId("handoff_id"),
            f.requireEnum("status", HandoffStatus::fromWire, "accepted, rejected"),
            boundedText(f.optionalString("reason")));
      default:
        throw new SyncException(ErrorCode.UNKNOWN_TYPE, "unknown message type: " + clip(type));
    }
  }

  /** Body of {@code POST /api/v1/sync/watchlist}. */
  public WatchlistWrite decodeWatchlistBody(String body) {
    return watchlistWrite(new JsonFields(parseObject(body)));
  }

  /** Body of {@code POST /api/v1/sync/progress}. */
  public ProgressWrite decodeProgressBody(String body) {
    return progressWrite(new JsonFields(parseObject(body)));
  }

  /** Body of {@code PUT /api/v1/sync/preferences/{key}}; the key comes from the path. */
  public PreferenceWrite decodePreferenceBody(String key, String body) {
    if (!Limits.isValidId(key)) {
      throw SyncException.invalidField(
          "preference key must be 1-128 characters of [A-Za-z0-9._:@-]");
    }
    return preferenceWrite(key, new JsonFields(parseObject(body)));
  }

  /** Body of {@code POST /api/v1/devices/handoff}. */
  public HandoffRequest decodeHandoffBody(String body) {
    JsonFields f = new JsonFields(parseObject(body));
    return new HandoffRequest(f.requireId("target_device_id"), f.requireId("content_id"));
  }

  /**
   * Body of {@code POST /api/v1/notifications}: {@code user_id}, {@code kind} (ids), {@code title}
   * (1-256 printable characters), {@code body}? (any JSON, at most 16 KiB encoded; null means
   * none), {@code ttl_seconds}? (1 to {@link #MAX_NOTIFICATION_TTL_SECONDS}).
   */
  public NotificationRequest decodeNotificationBody(String body) {
    JsonFields f = new JsonFields(parseObject(body));
    String userId = f.requireId("user_id");
    String kind = f.requireId("kind");
    String title = f.requireString("title");
    if (title.isEmpty() || title.length() > MAX_NOTIFICATION_TITLE || hasControlChars(title)) {
      throw SyncException.invalidField(
          "title must be 1-" + MAX_NOTIFICATION_TITLE + " printable characters");
    }
    RawJson content = null;
    JsonNode raw = f.raw("body");
    if (raw != null && !raw.isNull()) {
      content = compact(raw, "body");
      if (content.json().length() > Limits.MAX_PREFERENCE_VALUE_BYTES) {
        throw SyncException.invalidField(
            "body exceeds " + Limits.MAX_PREFERENCE_VALUE_BYTES + " bytes");
      }
    }
    Integer ttl = null;
    JsonNode t = f.raw("ttl_seconds");
    if (t != null && !t.isNull()) {
      if (!t.isIntegralNumber()
          || !t.canConvertToLong()
          || t.asLong() < 1
          || t.asLong() > MAX_NOTIFICATION_TTL_SECONDS) {
        throw SyncException.invalidField(
            "ttl_seconds must be an integer from 1 to " + MAX_NOTIFICATION_TTL_SECONDS);
      }
      ttl = t.asInt();
    }
    return new NotificationRequest(userId, kind, title, content, ttl);
  }

  /** Longest title of a notification, in characters. */
  public static final int MAX_NOTIFICATION_TITLE = 256;

  /** Longest expiry a sender may ask for: 30 days. */
  public static final int MAX_NOTIFICATION_TTL_SECONDS = 30 * 24 * 3600;

  private static boolean hasControlChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses an op as stored in the op log or received from another node or PubNub. Validated like
   * any client input: a forged or malformed op fails here before it can touch state.
   */
  public SyncOp decodeOp(String json) {
    JsonFields f = new JsonFields(parseObject(json));
    return op(f, f.requireString("type"));
  }

  /**
   * Parses any message the server sends, validated like client input: the SDK's half of the codec.
   * {@code encode(decodeServerMessage(x))} gives back {@code x} for every message this codec writes
   * (the golden vectors in the test resources hold one of each).
   *
   * @throws SyncException {@code unknown_type} for a type this version does not know (a newer
   *     server), {@code invalid_json} or {@code invalid_field} for a malformed message
   */
  public ServerMessage decodeServerMessage(String text) {
    ObjectNode node = parseObject(text);
    return serverDecoder.decode(node, new JsonFields(node));
  }

  /**
   * The wire form of a device's message, as {@link #decodeClientFrame} reads it: {@code
   * decodeClientFrame(encodeClientMessage(m))} equals {@code m}.
   */
  public String encodeClientMessage(ClientMessage message) {
    return write(g -> ClientMessageEncoder.write(g, message));
  }

  SyncOp op(JsonFields f, String type) {
    HybridTimestamp ts = f.requireTimestamp("timestamp");
    String device = f.requireId("device_id");
    return switch (type) {
      case "watchlist_update" -> {
        WatchlistOperation op =
            f.requireEnum("operation", WatchlistOperation::fromWire, "add, remove");
        var tags = f.optionalTags("tags");
        yield new WatchlistUpdate(op, f.requireId("content_id"), ts, device, tags);
      }
      case "progress_update" ->
          new ProgressUpdate(f.requireId("content_id"), progress(f), ts, device);
      case "preference_update" ->
          new PreferenceUpdate(f.requireId("key"), preferenceValue(f), ts, device);
      default -> throw new SyncException(ErrorCode.UNKNOWN_TYPE, "not an op type: " + clip(type));
    };
  }

  /** Reads the storage form written by {@link #encodeState}. */
  public UserState decodeState(String json) {
    return states.decode(parseObject(json));
  }

  ObjectNode parseObject(String text) {
    if (text == null || text.isEmpty()) {
      throw new SyncException(ErrorCode.INVALID_JSON, "body must be a JSON object");
    }
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (StreamConstraintsException e) {
      throw new SyncException(
          ErrorCode.INVALID_JSON,
          "JSON exceeds limits (nesting deeper than " + Limits.MAX_JSON_DEPTH + "?)");
    } catch (JsonProcessingException e) {
      throw new SyncException(
          ErrorCode.INVALID_JSON, "malformed JSON: " + clip(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new SyncException(ErrorCode.INVALID_JSON, "body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  private WatchlistWrite watchlistWrite(JsonFields f) {
    WatchlistOperation op = f.requireEnum("operation", WatchlistOperation::fromWire, "add, remove");
    var tags = f.optionalTags("tags");
    if (tags != null && op == WatchlistOperation.ADD) {
      throw SyncException.invalidField("tags are only allowed on remove");
    }
    return new WatchlistWrite(
        op,
        f.requireId("content_id"),
        tags,
        f.optionalId("op_id"),
        f.optionalTimestamp("timestamp"));
  }

  private ProgressWrite progressWrite(JsonFields f) {
    return new ProgressWrite(
        f.requireId("content_id"),
        progress(f),
        f.optionalId("op_id"),
        f.optionalTimestamp("timestamp"));
  }

  private PreferenceWrite preferenceWrite(String key, JsonFields f) {
    return new PreferenceWrite(
        key, preferenceValue(f), f.optionalId("op_id"), f.optionalTimestamp("timestamp"));
  }

  private static Progress progress(JsonFields f) {
    double position = f.requireSeconds("position_seconds");
    double duration = f.requireSeconds("duration_seconds");
    PlaybackState state =
        f.requireEnum("state", PlaybackState::fromWire, "playing, paused, stopped, completed");
    if (duration > 0 && position > duration) {
      throw SyncException.invalidField("position_seconds must not exceed duration_seconds");
    }
    return new Progress(position, duration, state);
  }

  private RawJson preferenceValue(JsonFields f) {
    JsonNode v = f.raw("value");
    if (v == null) {
      throw SyncException.invalidField("value is required (any JSON, null included)");
    }
    RawJson compact = compact(v, "value");
    if (compact.json().length() > Limits.MAX_PREFERENCE_VALUE_BYTES) {
      throw SyncException.invalidField(
          "value exceeds " + Limits.MAX_PREFERENCE_VALUE_BYTES + " bytes");
    }
    return compact;
  }

  /** Any JSON value in the compact form {@link RawJson} compares by. */
  RawJson compact(JsonNode v, String field) {
    try {
      return new RawJson(mapper.writeValueAsString(v));
    } catch (JsonProcessingException e) {
      throw SyncException.invalidField(field + " is not serializable JSON");
    }
  }

  private static String boundedText(String s) {
    if (s != null && s.length() > 256) {
      throw SyncException.invalidField("reason exceeds 256 characters");
    }
    return s;
  }

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  // ---- encoding -------------------------------------------------------------------------------

  /** The wire form of a server message. */
  public String encode(ServerMessage message) {
    return write(g -> encoder.write(g, message, states));
  }

  /**
   * The REST answer to a write: the op as broadcast, plus {@code op_id} when given and {@code
   * applied} for progress and preference writes.
   */
  public String encodeWriteResult(SyncOp op, String opId, boolean applied) {
    return write(g -> encoder.writeOp(g, op, opId, op instanceof WatchlistUpdate ? null : applied));
  }

  /** {@code {"error":{"code","message"}}}. */
  public String encodeErrorBody(ErrorCode code, String message) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("code", code.wireName());
          g.writeStringField("message", message);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** The storage form of a whole state (also the {@code state} of a snapshot message). */
  public String encodeState(UserState state) {
    return write(g -> states.write(g, state));
  }

  /** {@code GET /api/v1/sync/watchlist}. */
  public String encodeWatchlist(UserState state) {
    return write(g -> ReadViews.watchlist(g, state));
  }

  /** {@code GET /api/v1/sync/progress}, optionally one content id. */
  public String encodeProgress(UserState state, String contentId) {
    return write(g -> ReadViews.progress(g, state, contentId));
  }

  /** {@code GET /api/v1/sync/preferences}. */
  public String encodePreferences(UserState state) {
    return write(g -> ReadViews.preferences(g, state));
  }

  /** Writes any JSON through a generator; for small ad-hoc bodies elsewhere in the service. */
  public String write(GeneratorWork work) {
    StringWriter out = new StringWriter(160);
    try (JsonGenerator g = factory.createGenerator(out)) {
      work.writeTo(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Something that writes JSON to a generator. */
  @FunctionalInterface
  public interface GeneratorWork {
    void writeTo(JsonGenerator g) throws IOException;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  StateCodec states() {
    return states;
  }

  /** A handoff request body. */
  public record HandoffRequest(String targetDeviceId, String contentId) {}

  /** A service's request to notify a user; {@code body} and {@code ttlSeconds} may be null. */
  public record NotificationRequest(
      String userId, String kind, String title, RawJson body, Integer ttlSeconds) {}
}
