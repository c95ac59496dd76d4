package dev.mediasync.server;

import dev.mediasync.engine.SyncEngine;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.Limits;
import dev.mediasync.server.auth.JwtVerifier;
import dev.mediasync.server.auth.TokenIssuer;
import dev.mediasync.server.http.ApiRoutes;
import dev.mediasync.server.http.DevTokenRoutes;
import dev.mediasync.server.http.DeviceRoutes;
import dev.mediasync.server.http.ErrorResponses;
import dev.mediasync.server.http.HealthRoutes;
import dev.mediasync.server.http.InFlight;
import dev.mediasync.server.http.RequestAuth;
import dev.mediasync.server.http.Responder;
import dev.mediasync.server.http.StaticRoutes;
import dev.mediasync.server.http.SyncRoutes;
import dev.mediasync.server.ws.WebSocketEndpoint;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
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
  private static final int MAX_HEADER_BYTES = 2 * JwtVerifier.MAX_TOKEN_LENGTH;

  /** After sending a close frame, how long a silent peer has to answer before TCP is closed. */
  private static final int CLOSING_HANDSHAKE_SECONDS = 5;

  private final Vertx vertx;
  private final SyncEngine engine;
  private final ServerOptions options;
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

  public SyncServer(Vertx vertx, SyncEngine engine, JwtVerifier verifier, ServerOptions options) {
    this.vertx = vertx;
    this.engine = engine;
    this.options = options;
    this.errors = new ErrorResponses(engine.codec());
    RequestAuth auth = new RequestAuth(verifier);
    this.responder = new Responder(errors);
    this.webSockets = new WebSocketEndpoint(engine, auth, errors, options.outboundLimitBytes());
    this.router = Router.router(vertx);
    ApiRoutes api = new ApiRoutes(auth, errors);
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
    webSockets.mount(router);
    api.mountGuards(router);
    new SyncRoutes(engine, responder, inFlight, options.defaultRestDeviceId()).mount(router);
    new DeviceRoutes(engine, responder).mount(router);
    StaticRoutes.mount(router);
    api.mountFailureHandling(router);
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
            .setIdleTimeout(0);
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
                      engine.options().heartbeat().toMillis(), id -> webSockets.heartbeat());
              sweepTimer =
                  vertx.setPeriodic(
                      options.sweepInterval().toMillis(), id -> engine.hub().sweepIdle());
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
