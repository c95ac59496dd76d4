package dev.mediasync.server.ws;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.DeviceChannel;
import dev.mediasync.engine.LiveSession;
import dev.mediasync.engine.NotificationService;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.port.DeviceInfo;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.ClientMessage;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.ClientMessage.Heartbeat;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.CloseCode;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.ServerMessage;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.ServerOps;
import dev.mediasync.server.http.AccessLog;
import dev.mediasync.server.http.ErrorResponses;
import dev.mediasync.server.limits.RateLimiter;
import dev.mediasync.server.metrics.WriteOutcomes;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's WebSocket: reads frames and hands them to the engine, writes what the engine sends.
 *
 * <p>Outbound: {@link #send} may be called from any thread (event loops, the store's writer
 * thread); Vert.x orders writes per calling thread. A socket whose unsent backlog (Netty's outbound
 * buffer, beyond what the kernel accepted) passes the bound is closed as a slow consumer (it
 * catches up with {@code since=} on reconnect), so one stalled device never grows the server's
 * memory or slows the others.
 *
 * <p>Inbound runs on the socket's event loop. A bad frame gets an {@code error} message; the socket
 * stays open.
 */
public final class WsSession implements DeviceChannel {
  private static final Logger log = LoggerFactory.getLogger(WsSession.class);
  private static final Buffer PING = Buffer.buffer("hb");

  private final ServerWebSocket ws;
  private final SyncEngine engine;
  private final String userId;
  private final String deviceId;
  private final String connectionId;
  private final long outboundLimit;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicReference<Promise<Void>> drainWaiter = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile LiveSession live;
  private volatile long lastPresenceTouch;
  private final ServerOps ops;
  private final int pingSlot;

  /** Refused messages since the last admitted one; inbound runs on one event loop. */
  private long refusedInRow;

  WsSession(
      ServerWebSocket ws,
      SyncEngine engine,
      String userId,
      String deviceId,
      String connectionId,
      long outboundLimit,
      ServerOps ops) {
    this.ops = ops;
    this.ws = ws;
    this.engine = engine;
    this.userId = userId;
    this.deviceId = deviceId;
    this.connectionId = connectionId;
    this.outboundLimit = outboundLimit;
    this.pingSlot = PingSchedule.slotOf(connectionId);
  }

  /** Sends the welcome, announces the device, and opens the session (catch-up, then live). */
  void start(DeviceInfo info, HybridTimestamp since, String requestId) {
    ops.metrics().connectionOpened();
    AccessLog.emit(
        ops.jsonLogs(),
        AccessLog.event(
            ops.jsonLogs(),
            "ws_connect",
            "device_id",
            deviceId,
            "connection_id",
            connectionId,
            "request_id",
            String.valueOf(requestId)));
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> onBinary());
    ws.pongHandler(b -> touch());
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(this::onSocketError);
    engine
        .presence()
        .connected(this, info)
        .onFailure(e -> log.warn("presence update failed for a connect", e));
    engine
        .hub()
        .open(this, since, () -> welcome(since != null))
        .onSuccess(
            s -> {
              live = s;
              if (released.get()) {
                engine.hub().close(s);
              } else {
                sendUnreadNotifications();
              }
            })
        .onFailure(
            e -> {
              sendError(ErrorResponses.classify(e), null);
              close(CloseCode.INTERNAL_ERROR);
            });
  }

  private String welcome(boolean catchUp) {
    return engine
        .codec()
        .encode(
            new ServerMessage.Welcome(
                deviceId,
                engine.sync().clock().now(),
                (int) engine.options().heartbeat().toSeconds(),
                (int) engine.options().presenceTimeout().toSeconds(),
                catchUp));
  }

  /**
   * After the welcome and the catch-up: the notifications this device has not read, then marked
   * read. One that arrives live meanwhile may come twice; devices de-duplicate by {@code
   * notification_id}.
   */
  private void sendUnreadNotifications() {
    NotificationService notifications = ops.notifications();
    if (notifications == null) {
      return;
    }
    notifications
        .unread(userId, deviceId)
        .onSuccess(
            list -> {
              if (list.isEmpty() || closing.get()) {
                return;
              }
              List<String> ids = new ArrayList<>(list.size());
              for (ServerMessage.Notification n : list) {
                send(engine.codec().encode(n));
                ids.add(n.notificationId());
              }
              ops.metrics().notificationsDelivered("connect", ids.size());
              notifications.markRead(userId, deviceId, ids);
            })
        .onFailure(e -> log.warn("could not read notifications for a connect", e));
  }

  @Override
  public void deliver(Envelope envelope) {
    send(envelope.json());
    NotificationService notifications = ops.notifications();
    if (envelope.topic() == Topic.NOTIFICATIONS && notifications != null && !closing.get()) {
      ops.metrics().notificationsDelivered("live", 1);
      notifications.markRead(userId, deviceId, List.of(notifications.idOf(envelope)));
    }
  }

  /** Bytes queued for this socket and not yet written. */
  long pendingBytes() {
    return pendingBytes.get();
  }

  @Override
  public String userId() {
    return userId;
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public String connectionId() {
    return connectionId;
  }

  @Override
  public void send(String json) {
    if (closing.get()) {
      return;
    }
    if (pendingBytes.get() + json.length() > outboundLimit) {
      log.info(
          "closing slow consumer {} of {}/{} ({} bytes unsent)",
          connectionId,
          userId,
          deviceId,
          pendingBytes.get());
      close(CloseCode.SLOW_CONSUMER);
      return;
    }
    write(json);
  }

  @Override
  public Future<Void> sendPaced(String json) {
    if (closing.get()) {
      return Future.failedFuture("socket closed");
    }
    write(json);
    if (pendingBytes.get() <= outboundLimit / 2) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    drainWaiter.set(drained);
    if (pendingBytes.get() <= outboundLimit / 2) { // drained before the waiter was set
      drained.tryComplete();
    }
    return drained.future();
  }

  /**
   * Writes and counts the bytes until Vert.x reports them written to the socket; what the kernel
   * would not take stays counted, which is how a device that stopped reading shows up.
   */
  private void write(String json) {
    int size = json.length();
    pendingBytes.addAndGet(size);
    ws.writeTextMessage(json)
        .onComplete(
            r -> {
              if (pendingBytes.addAndGet(-size) <= outboundLimit / 2) {
                Promise<Void> waiter = drainWaiter.getAndSet(null);
                if (waiter != null) {
                  waiter.tryComplete();
                }
              }
            });
  }

  @Override
  public void close(CloseCode code) {
    if (closing.compareAndSet(false, true)) {
      // Released before the close, not after: a peer that does not read never answers the close
      // handshake, so the device is gone for us now; and when the close completes at once (on the
      // socket's own event loop), the close handler would otherwise release it first with reason
      // "disconnected" instead of ours.
      release(
          code == CloseCode.PRESENCE_TIMEOUT ? "timeout" : "disconnected",
          closeLabel(code),
          code.code());
      ws.close(code.code(), code.reason());
    }
  }

  /** The {@code reason} label of a close this server initiated. */
  static String closeLabel(CloseCode code) {
    return switch (code) {
      case PRESENCE_TIMEOUT -> "timeout";
      default -> code.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Which tick of the heartbeat interval pings this socket (see {@link PingSchedule}). */
  int pingSlot() {
    return pingSlot;
  }

  /** Server heartbeat: a ping frame (the client's pong counts as activity). */
  void ping() {
    if (!closing.get()) {
      ws.writePing(PING);
    }
  }

  private void onText(String text) {
    if (closing.get()) {
      return; // e.g. the tail of an oversized message after the 1009 close
    }
    touch();
    if (!ops.tracing().enabled()) {
      handle(text, null);
      return;
    }
    Span span =
        ops.tracing().tracer().spanBuilder("WS frame").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope s = span.makeCurrent()) {
      handle(text, span);
    }
  }

  /** One inbound frame; {@code span} (null when tracing is off) ends when the frame is answered. */
  private void handle(String text, Span span) {
    ClientMessage message;
    try {
      message = engine.codec().decodeClientFrame(text);
    } catch (SyncException e) {
      if (admit(null)) {
        ops.metrics().opRejected("unknown", e.code().wireName());
        sendError(e, null);
      }
      end(span, "invalid", e.code().wireName());
      return;
    }
    String type = messageType(message);
    if (message instanceof Heartbeat) {
      send(engine.codec().encode(new ServerMessage.HeartbeatAck(engine.sync().clock().now())));
      end(span, type, null);
      return;
    }
    if (!admit(message instanceof Write w ? w.opId() : null)) {
      end(span, type, ErrorCode.RATE_LIMITED.wireName());
      return;
    }
    if (message instanceof Write write) {
      WriteOutcomes.record(
              ops.metrics(),
              WriteOutcomes.typeOf(write),
              engine.sync().write(userId, deviceId, write))
          .onComplete(
              r ->
                  end(
                      span,
                      type,
                      r.failed() ? ErrorResponses.classify(r.cause()).code().wireName() : null))
          .onSuccess(
              r ->
                  send(
                      engine
                          .codec()
                          .encode(
                              new ServerMessage.Ack(
                                  r.opId(), r.op().timestamp(), r.applied(), r.duplicate()))))
          .onFailure(e -> sendError(ErrorResponses.classify(e), write.opId()));
    } else if (message instanceof HandoffAck ack) {
      engine.handoff().acknowledge(userId, deviceId, ack);
      end(span, type, null);
    } else {
      end(span, type, null);
    }
  }

  /**
   * Takes a token for one inbound message; refused: an {@code error rate_limited} and the socket
   * stays open, unless this device keeps sending far past its limit ({@link
   * dev.mediasync.server.limits.RateLimitOptions#abuseThreshold}), which closes it with 4003.
   */
  private boolean admit(String opId) {
    RateLimiter.Decision d = ops.limiter().tryRequest(userId, deviceId);
    if (d.allowed()) {
      refusedInRow = 0;
      return true;
    }
    ops.metrics().rateLimited(d.scope().label());
    if (++refusedInRow >= ops.limiter().options().abuseThreshold()) {
      log.info("closing {}: {} messages refused in a row", connectionId, refusedInRow);
      close(CloseCode.ABUSE);
      return false;
    }
    sendError(
        new SyncException(
            ErrorCode.RATE_LIMITED,
            "too many messages for this "
                + d.scope().label()
                + "; retry in "
                + d.retryAfterSeconds()
                + " s"),
        opId);
    return false;
  }

  private static String messageType(ClientMessage m) {
    if (m instanceof Write w) {
      return WriteOutcomes.typeOf(w);
    }
    if (m instanceof Heartbeat) {
      return "heartbeat";
    }
    if (m instanceof HandoffAck) {
      return "handoff_ack";
    }
    return "other";
  }

  private static void end(Span span, String type, String errorCode) {
    if (span == null) {
      return;
    }
    span.updateName("WS " + type);
    span.setAttribute("sync.message.type", type);
    if (errorCode != null) {
      span.setAttribute("sync.error.code", errorCode);
    }
    span.end();
  }

  /**
   * Vert.x reports an oversized frame (Netty's decoder, which then drops every later byte) or an
   * oversized fragmented message (Vert.x's aggregator) here and leaves the socket open; the
   * contract wants it closed with 1009. Other protocol violations close with 1008.
   */
  private void onSocketError(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException c) {
      log.debug("corrupt frame on {}: {}", connectionId, e.getMessage());
      close(
          c.closeStatus() != null && c.closeStatus().code() == CloseCode.MESSAGE_TOO_BIG.code()
              ? CloseCode.MESSAGE_TOO_BIG
              : CloseCode.POLICY_VIOLATION);
    } else if (e instanceof IllegalStateException
        && e.getMessage() != null
        && e.getMessage().contains("max message size")) {
      log.debug("message too big on {}: {}", connectionId, e.getMessage());
      close(CloseCode.MESSAGE_TOO_BIG);
    } else {
      log.debug("socket error on {}", connectionId, e);
    }
  }

  private void onBinary() {
    touch();
    sendError(new SyncException(ErrorCode.INVALID_JSON, "binary frames are not supported"), null);
  }

  private void sendError(SyncException e, String opId) {
    send(engine.codec().encode(new ServerMessage.Error(e.code(), e.getMessage(), opId)));
  }

  private void touch() {
    long now = engine.clock().currentTimeMillis();
    LiveSession s = live;
    if (s != null) {
      s.touch(now);
    }
    // The presence store only needs last_seen at heartbeat granularity; spare it per-frame calls.
    if (now - lastPresenceTouch >= engine.options().heartbeat().toMillis()) {
      lastPresenceTouch = now;
      engine.presence().touch(this);
    }
  }

  private void onClosed() {
    closing.set(true);
    Short code = ws.closeStatusCode();
    release("disconnected", "client", code == null ? 1005 : code);
  }

  /** Leaves the hub and reports the disconnect, once per connection. */
  private void release(String reason, String label, int closeCode) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    ops.limiter().connectionClosed(userId);
    ops.metrics().connectionClosed(label);
    AccessLog.emit(
        ops.jsonLogs(),
        AccessLog.event(
            ops.jsonLogs(),
            "ws_close",
            "device_id",
            deviceId,
            "connection_id",
            connectionId,
            "close_code",
            Integer.toString(closeCode),
            "reason",
            label));
    LiveSession s = live;
    if (s != null) {
      engine.hub().close(s);
    }
    engine
        .presence()
        .disconnected(this, reason)
        .onFailure(e -> log.warn("presence update failed for a disconnect", e));
  }
}
