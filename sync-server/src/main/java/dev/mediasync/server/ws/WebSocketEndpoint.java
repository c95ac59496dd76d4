package dev.mediasync.server.ws;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.InvalidTimestampException;
import dev.mediasync.engine.LiveSession;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.port.DeviceInfo;
import dev.mediasync.protocol.CloseCode;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.Limits;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.ServerOps;
import dev.mediasync.server.http.AccessLog;
import dev.mediasync.server.http.ErrorResponses;
import dev.mediasync.server.http.RequestAuth;
import dev.mediasync.server.limits.RateLimiter;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: authenticates the upgrade request (token in the header or {@code ?token=}),
 * validates its parameters, then upgrades and starts a {@link WsSession}. Anything wrong is
 * answered over HTTP with the contract's JSON error before the upgrade.
 */
public final class WebSocketEndpoint {
  static final int MAX_NAME_LENGTH = 128;
  static final int MAX_CAPABILITIES = 32;
  private static final String NOT_AN_UPGRADE =
      "GET /ws must be a valid WebSocket upgrade request (Upgrade: websocket, version 13)";

  /** Retry-After for a user at the connection cap: a socket of theirs has to close first. */
  private static final long CONNECTION_CAP_RETRY_NANOS = 5_000_000_000L;

  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

  private final SyncEngine engine;
  private final RequestAuth auth;
  private final ErrorResponses errors;
  private final long outboundLimit;
  private final ServerOps ops;
  private final PingSchedule pingSchedule = new PingSchedule();

  /** How often {@link #pingNextSlot} runs per heartbeat interval. */
  public static final int PING_TICKS_PER_HEARTBEAT = PingSchedule.SLOTS;

  public WebSocketEndpoint(
      SyncEngine engine,
      RequestAuth auth,
      ErrorResponses errors,
      long outboundLimit,
      ServerOps ops) {
    this.engine = engine;
    this.auth = auth;
    this.errors = errors;
    this.outboundLimit = outboundLimit;
    this.ops = ops;
  }

  /** Unsent bytes over every socket of this node (a gauge). */
  public long pendingBytes() {
    long total = 0;
    for (LiveSession s : engine.hub().sessions()) {
      if (s.channel() instanceof WsSession ws) {
        total += ws.pendingBytes();
      }
    }
    return total;
  }

  public void mount(Router router) {
    router.get("/ws").handler(this::upgrade);
  }

  /**
   * Pings the sockets of the next {@link PingSchedule} slot; call it {@link
   * #PING_TICKS_PER_HEARTBEAT} times per heartbeat interval, so each socket is pinged once per
   * interval.
   */
  public void pingNextSlot() {
    int slot = pingSchedule.nextSlot();
    for (LiveSession s : engine.hub().sessions()) {
      if (s.channel() instanceof WsSession ws && ws.pingSlot() == slot) {
        ws.ping();
      }
    }
  }

  /** Closes every socket with 1001 (server going away). */
  public void closeAll() {
    for (LiveSession s : engine.hub().sessions()) {
      s.channel().close(CloseCode.GOING_AWAY);
    }
  }

  private void upgrade(RoutingContext ctx) {
    // Connect storms: refused per client IP before the token is even verified.
    RateLimiter.Decision ip =
        ops.limiter()
            .tryConnect(
                ctx.request().remoteAddress() == null
                    ? null
                    : ctx.request().remoteAddress().hostAddress());
    if (!ip.allowed()) {
      refuse(ctx, ip, "too many connection attempts from this address");
      return;
    }
    RequestAuth.Caller caller;
    DeviceInfo info;
    HybridTimestamp since;
    try {
      caller = auth.authenticate(ctx.request(), true);
      if (caller.deviceId() == null) {
        throw SyncException.invalidField("device_id is required (token claim or query parameter)");
      }
      info = deviceInfo(ctx, caller.deviceId());
      since = since(ctx.request().getParam("since"));
      if (!isUpgrade(ctx)) {
        throw SyncException.invalidField(NOT_AN_UPGRADE);
      }
    } catch (RuntimeException e) {
      errors.send(ctx, e);
      return;
    }
    if (!ops.limiter().tryOpenConnection(caller.userId())) {
      refuse(
          ctx,
          new RateLimiter.Decision(
              false, RateLimiter.Scope.CONNECTIONS_PER_USER, CONNECTION_CAP_RETRY_NANOS),
          "too many open connections for this user (at most "
              + ops.limiter().options().maxConnectionsPerUser()
              + ")");
      return;
    }
    String requestId = AccessLog.requestId(ctx);
    ctx.request()
        .toWebSocket()
        .onSuccess(
            ws -> {
              WsSession session =
                  new WsSession(
                      ws,
                      engine,
                      caller.userId(),
                      caller.deviceId(),
                      UUID.randomUUID().toString(),
                      outboundLimit,
                      ops);
              session.start(info, since, requestId);
            })
        .onFailure(
            e -> {
              ops.limiter().connectionClosed(caller.userId());
              // The handshake itself was refused (bad Sec-WebSocket-Version or key): the client's
              // fault, not ours; the cause stays in the debug log.
              log.debug("WebSocket handshake failed", e);
              errors.send(
                  ctx, e instanceof SyncException ? e : SyncException.invalidField(NOT_AN_UPGRADE));
            });
  }

  private void refuse(RoutingContext ctx, RateLimiter.Decision d, String message) {
    ops.metrics().rateLimited(d.scope().label());
    ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
    errors.send(ctx, ErrorCode.RATE_LIMITED, message);
  }

  /**
   * Whether the request can be upgraded; Netty would answer a missing key or version with a plain
   * text 400 of its own, so those are refused here with the contract's JSON error. (An unsupported
   * version still gets Netty's RFC 6455 answer: 426 with {@code Sec-WebSocket-Version: 13}.)
   */
  private static boolean isUpgrade(RoutingContext ctx) {
    String key = ctx.request().getHeader("Sec-WebSocket-Key");
    return ctx.request().canUpgradeToWebSocket()
        && key != null
        && !key.isBlank()
        && ctx.request().getHeader("Sec-WebSocket-Version") != null;
  }

  private static HybridTimestamp since(String text) {
    if (text == null) {
      return null;
    }
    try {
      return HybridTimestamp.parse(text);
    } catch (InvalidTimestampException e) {
      throw SyncException.invalidField("since: " + e.getMessage());
    }
  }

  private static DeviceInfo deviceInfo(RoutingContext ctx, String deviceId) {
    String name = ctx.request().getParam("name");
    if (name != null
        && (name.isEmpty() || name.length() > MAX_NAME_LENGTH || hasControlChars(name))) {
      throw SyncException.invalidField("name must be 1-128 printable characters");
    }
    String type = ctx.request().getParam("type");
    if (type != null && !Limits.isValidId(type)) {
      throw SyncException.invalidField("type must be 1-128 characters of [A-Za-z0-9._:@-]");
    }
    List<String> capabilities = new ArrayList<>();
    String caps = ctx.request().getParam("capabilities");
    if (caps != null && !caps.isEmpty()) {
      for (String c : caps.split(",", -1)) {
        if (!Limits.isValidId(c)) {
          throw SyncException.invalidField("capabilities must be a comma-separated list of ids");
        }
        capabilities.add(c);
      }
      if (capabilities.size() > MAX_CAPABILITIES) {
        throw SyncException.invalidField("at most " + MAX_CAPABILITIES + " capabilities");
      }
    }
    return new DeviceInfo(deviceId, name, type, capabilities);
  }

  private static boolean hasControlChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
