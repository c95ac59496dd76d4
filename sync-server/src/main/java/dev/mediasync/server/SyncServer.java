package dev.mediasync.server;

import dev.mediasync.engine.LiveSession;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.Limits;
import dev.mediasync.server.auth.JwtVerifier;
import dev.mediasync.server.auth.TokenIssuer;
import dev.mediasync.server.http.AccessLog;
import dev.mediasync.server.http.ApiRoutes;
import dev.mediasync.server.http.DevTokenRoutes;
import dev.mediasync.server.http.DeviceRoutes;
import dev.mediasync.server.http.ErrorResponses;
import dev.mediasync.server.http.HealthRoutes;
import dev.mediasync.server.http.InFlight;
import dev.mediasync.server.http.MetricsRoutes;
import dev.mediasync.server.http.NotificationRoutes;
import dev.mediasync.server.http.RequestAuth;
import dev.mediasync.server.http.Responder;
import dev.mediasync.server.http.StaticRoutes;
import dev.mediasync.server.http.SyncRoutes;
import dev.mediasync.server.limits.RateLimiter;
import dev.mediasync.server.metrics.SyncMetrics;
import dev.mediasync.server.ws.WebSocketEndpoint;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP + WebSocket transport of one node: routes, timers (heartbeat pings, idle sweep) and the
 * graceful stop. It holds no sync state; everything goes to the {@link SyncEngine}.
 */
public final class SyncServer {
  private static final Logger log = LoggerFactory.getLogger(SyncServer.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /** How often idle (full) rate-limit buckets are dropped. */
  private static final Duration LIMITER_SWEEP = Duration.ofMinutes(1);

  /**
   * How often idle user replicas are looked for (they go after 5 minutes of disuse); each sweep
   * visits every cached replica, so not every second.
   */
  private static final Duration REPLICA_SWEEP = Duration.ofSeconds(30);

  private static final int MAX_HEADER_BYTES = 2 * JwtVerifier.MAX_TOKEN_LENGTH;

  /** After sending a close frame, how long a silent peer has to answer before TCP is closed. */
  private static final int CLOSING_HANDSHAKE_SECONDS = 5;

  private final Vertx vertx;
  private final SyncEngine engine;
  private final ServerOptions options;
  private final ServerOps ops;
  private final ErrorResponses errors;
  private final Responder responder;
  private final InFlight inFlight = new InFlight();
  private final WebSocketEndpoint webSockets;
  private final Router router;
  private volatile boolean draining;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private long heartbeatTimer = -1;
  private long sweepTimer = -1;
  private long limiterSweepTimer = -1;
  private long replicaSweepTimer = -1;

  public SyncServer(Vertx vertx, SyncEngine engine, JwtVerifier verifier, ServerOptions options) {
    this(vertx, engine, verifier, options, ServerOps.minimal(engine.clock()));
  }

  public SyncServer(
      Vertx vertx, SyncEngine engine, JwtVerifier verifier, ServerOptions options, ServerOps ops) {
    this.vertx = vertx;
    this.engine = engine;
    this.options = options;
    this.ops = ops;
    this.errors = new ErrorResponses(engine.codec());
    RequestAuth auth = new RequestAuth(verifier);
    this.responder = new Responder(errors);
    this.webSockets =
        new WebSocketEndpoint(engine, auth, errors, options.outboundLimitBytes(), ops);
    this.router = Router.router(vertx);
    ApiRoutes api = new ApiRoutes(auth, errors);
    AccessLog access = new AccessLog(ops.metrics(), ops.tracing(), ops.jsonLogs());
    router.route().handler(access::handle);
    router
        .route()
        .handler(
            ctx -> {
              if (draining && !ctx.request().path().startsWith("/health")) {
                errors.send(ctx, ErrorCode.UNAVAILABLE, "server is shutting down");
              } else {
                ctx.next();
              }
            });
    new HealthRoutes(engine, responder).mount(router);
    new MetricsRoutes(ops.metrics()).mount(router);
    webSockets.mount(router);
    api.mountGuards(router);
    router.route("/api/*").handler(this::limitRequest);
    if (ops.tracing().enabled()) {
      router.route("/api/*").handler(access::rescope);
    }
    new SyncRoutes(engine, responder, inFlight, options.defaultRestDeviceId(), ops.metrics())
        .mount(router);
    new DeviceRoutes(engine, responder).mount(router);
    StaticRoutes.mount(router);
    if (ops.notifications() != null) {
      new NotificationRoutes(ops.notifications(), engine.codec(), responder, ops.metrics())
          .mount(router);
    }
    api.mountFailureHandling(router);
    bindGauges();
  }

  /**
   * Per device and per user token buckets for every authenticated REST request. A trusted service
   * (scope {@code notifications:write} or role {@code service}) is not limited: it may notify many
   * users in a burst, and its token is not a device's.
   */
  private void limitRequest(RoutingContext ctx) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    if (caller.principal().hasScope(NotificationRoutes.WRITE_SCOPE)
        || caller.principal().hasScope(NotificationRoutes.SERVICE_ROLE)) {
      ctx.next();
      return;
    }
    RateLimiter.Decision d = ops.limiter().tryRequest(caller.userId(), caller.deviceId());
    if (d.allowed()) {
      ctx.next();
      return;
    }
    ops.metrics().rateLimited(d.scope().label());
    ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
    errors.send(
        ctx,
        ErrorCode.RATE_LIMITED,
        "too many requests for this " + d.scope().label() + "; retry after the Retry-After delay");
  }

  private void bindGauges() {
    SyncMetrics m = ops.metrics();
    m.gauge(
        "sync.connections", "WebSocket connections open on this node", engine.hub()::sessionCount);
    m.gauge(
        "sync.devices.online",
        "Distinct devices with at least one open socket on this node",
        () -> {
          Set<String> devices = new HashSet<>();
          for (LiveSession s : engine.hub().sessions()) {
            devices.add(s.channel().userId() + '\u0000' + s.channel().deviceId());
          }
          return devices.size();
        });
    m.gauge(
        "sync.outbound.queue.bytes",
        "Bytes queued for sockets and not yet written, over all sockets of this node",
        webSockets::pendingBytes);
    m.gauge(
        "sync.watchlist.tombstones.max",
        "Largest watchlist tombstone count of any user cached on this node",
        () ->
            engine.sync().cachedStates().stream()
                .mapToInt(st -> st.watchlist().tombstoneCount())
                .max()
                .orElse(0));
    m.gauge(
        "sync.watchlist.tombstones",
        "Watchlist tombstones over all users cached on this node",
        () ->
            engine.sync().cachedStates().stream()
                .mapToLong(st -> st.watchlist().tombstoneCount())
                .sum());
    m.gauge("sync.inflight.writes", "REST writes accepted and not yet answered", inFlight::count);
    m.gauge(
        "sync.replicas.cached",
        "User replicas cached on this node (users with a connected device, or used in the last"
            + " 5 minutes)",
        () -> engine.sync().cachedReplicas());
  }

  /** The router, so the composition root can add routes (metrics, static files) before start. */
  public Router router() {
    return router;
  }

  /**
   * Adds {@code POST /dev/token}, which mints tokens for any user and device with {@code issuer}.
   * Dev mode only: the composition root calls this only when the service generated its own secret.
   */
  public void enableDevTokens(TokenIssuer issuer) {
    new DevTokenRoutes(issuer, engine.codec(), responder).mount(router);
  }

  /** Binds and starts the timers; completes with the bound port. */
  public Future<Integer> start() {
    HttpServerOptions httpOptions =
        new HttpServerOptions()
            .setHost(options.host())
            .setPort(options.port())
            .setTcpNoDelay(true)
            // Room for a token up to JwtVerifier.MAX_TOKEN_LENGTH plus the other headers, so an
            // oversized token gets the verifier's JSON 401 instead of Netty's bare 431.
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            .setInitialSettings(new Http2Settings().setMaxHeaderListSize(MAX_HEADER_BYTES))
            .setMaxWebSocketFrameSize(Limits.MAX_MESSAGE_BYTES)
            .setMaxWebSocketMessageSize(Limits.MAX_MESSAGE_BYTES)
            .setRegisterWebSocketWriteHandlers(false)
            .setWebSocketClosingTimeout(CLOSING_HANDSHAKE_SECONDS)
            .setIdleTimeout(0)
            // Every HTTP response is written on its request's event loop (Responder hops there),
            // so the connection needs no thread-safe outbound queue: without it each connection is
            // ~4.2 KB smaller, and the HTTP connection stays referenced by its upgraded WebSocket.
            // A write from another thread would throw, so the tests would catch one.
            .setStrictThreadMode(true);
    // One server per event loop on the same port, each deployed as a verticle instance so it
    // gets its own loop: Vert.x shares the listening socket between servers bound to the same
    // host and port and spreads connections over their loops. A single server would pin every
    // socket to one core. Sharing needs the same port in every instance, so port 0 is resolved
    // to a concrete free port first.
    int bindPort;
    try {
      bindPort = options.port() == 0 ? freePort(options.host()) : options.port();
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    return deployServers(new HttpServerOptions(httpOptions).setPort(bindPort), options.eventLoops())
        .onSuccess(
            bound -> {
              heartbeatTimer =
                  vertx.setPeriodic(
                      Math.max(
                          1,
                          engine.options().heartbeat().toMillis()
                              / WebSocketEndpoint.PING_TICKS_PER_HEARTBEAT),
                      id -> webSockets.pingNextSlot());
              sweepTimer =
                  vertx.setPeriodic(
                      options.sweepInterval().toMillis(), id -> engine.hub().sweepIdle());
              limiterSweepTimer =
                  vertx.setPeriodic(LIMITER_SWEEP.toMillis(), id -> ops.limiter().sweep());
              replicaSweepTimer =
                  vertx.setPeriodic(REPLICA_SWEEP.toMillis(), id -> engine.evictIdleReplicas());
            });
  }

  private static int freePort(String host) throws java.io.IOException {
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return probe.getLocalPort();
    }
  }

  /** Deploys {@code instances} listening servers; completes with the bound port. */
  private Future<Integer> deployServers(HttpServerOptions httpOptions, int instances) {
    AtomicInteger port = new AtomicInteger();
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return vertx
                        .createHttpServer(httpOptions)
                        .requestHandler(router)
                        .listen()
                        .onSuccess(
                            server -> {
                              servers.add(server);
                              port.set(server.actualPort());
                            });
                  }
                },
            new DeploymentOptions().setInstances(instances))
        .onSuccess(deployments::add)
        .map(id -> port.get());
  }

  /**
   * Graceful stop: refuse new requests, close sockets with 1001, wait for accepted writes to become
   * durable and be answered (bounded), then close the listener.
   */
  public Future<Void> stop() {
    draining = true;
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(limiterSweepTimer);
    vertx.cancelTimer(replicaSweepTimer);
    webSockets.closeAll();
    Future<Void> drained = Future.any(inFlight.whenDrained(), timeout(DRAIN_TIMEOUT)).mapEmpty();
    return drained
        .andThen(
            r -> {
              if (inFlight.count() > 0) {
                log.warn("{} writes still in flight after {}", inFlight.count(), DRAIN_TIMEOUT);
              }
            })
        .compose(v -> Future.join(servers.stream().map(HttpServer::close).toList()))
        .compose(v -> Future.join(deployments.stream().map(vertx::undeploy).toList()))
        .mapEmpty();
  }

  private Future<Void> timeout(Duration d) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(d.toMillis(), id -> p.tryComplete());
    return p.future();
  }
}
