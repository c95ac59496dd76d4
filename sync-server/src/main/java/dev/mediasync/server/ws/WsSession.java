package dev.mediasync.server.ws;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.DeviceChannel;
import dev.mediasync.engine.LiveSession;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.port.DeviceInfo;
import dev.mediasync.protocol.ClientMessage;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.ClientMessage.Heartbeat;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.CloseCode;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.ServerMessage;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.http.ErrorResponses;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
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

  WsSession(
      ServerWebSocket ws,
      SyncEngine engine,
      String userId,
      String deviceId,
      String connectionId,
      long outboundLimit) {
    this.ws = ws;
    this.engine = engine;
    this.userId = userId;
    this.deviceId = deviceId;
    this.connectionId = connectionId;
    this.outboundLimit = outboundLimit;
  }

  /** Sends the welcome, announces the device, and opens the session (catch-up, then live). */
  void start(DeviceInfo info, HybridTimestamp since) {
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
      ws.close(code.code(), code.reason());
      // A peer that does not read never answers the close handshake; the device is gone for us
      // now, not when the handshake times out.
      release(code == CloseCode.PRESENCE_TIMEOUT ? "timeout" : "disconnected");
    }
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
    ClientMessage message;
    try {
      message = engine.codec().decodeClientFrame(text);
    } catch (SyncException e) {
      sendError(e, null);
      return;
    }
    if (message instanceof Write write) {
      engine
          .sync()
          .write(userId, deviceId, write)
          .onSuccess(
              r ->
                  send(
                      engine
                          .codec()
                          .encode(
                              new ServerMessage.Ack(
                                  r.opId(), r.op().timestamp(), r.applied(), r.duplicate()))))
          .onFailure(e -> sendError(ErrorResponses.classify(e), write.opId()));
    } else if (message instanceof Heartbeat) {
      send(engine.codec().encode(new ServerMessage.HeartbeatAck(engine.sync().clock().now())));
    } else if (message instanceof HandoffAck ack) {
      engine.handoff().acknowledge(userId, deviceId, ack);
    }
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
    release("disconnected");
  }

  /** Leaves the hub and reports the disconnect, once per connection. */
  private void release(String reason) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
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
