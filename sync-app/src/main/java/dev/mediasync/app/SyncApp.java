package dev.mediasync.app;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.EngineOptions;
import dev.mediasync.engine.NotificationService;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.server.ServerOps;
import dev.mediasync.server.ServerOptions;
import dev.mediasync.server.SyncServer;
import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.JwtVerifier;
import dev.mediasync.server.auth.TokenIssuer;
import dev.mediasync.server.limits.RateLimiter;
import dev.mediasync.server.metrics.SyncMetrics;
import dev.mediasync.server.tracing.Tracing;
import dev.mediasync.store.jdbc.JdbcOpStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: picks the adapters the configuration asks for, builds the engine and the
 * server, and stops them in order. The only class that names concrete adapters.
 */
public final class SyncApp {
  private static final Logger log = LoggerFactory.getLogger(SyncApp.class);

  /** How long start-up waits for Redis before serving anyway (the broker keeps reconnecting). */
  private static final long REDIS_STARTUP_WAIT_MS = 10_000;

  private final Vertx vertx;
  private final SyncEngine engine;
  private final SyncServer server;
  private final int port;
  private final String nodeId;
  private final SyncMetrics metrics;
  private final NotificationService notifications;
  private final List<Supplier<Future<Void>>> closers;

  private SyncApp(
      Vertx vertx,
      SyncEngine engine,
      SyncServer server,
      int port,
      String nodeId,
      SyncMetrics metrics,
      NotificationService notifications,
      List<Supplier<Future<Void>>> closers) {
    this.vertx = vertx;
    this.engine = engine;
    this.server = server;
    this.port = port;
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.notifications = notifications;
    this.closers = closers;
  }

  /**
   * Everything {@link #start} needs besides the configuration; tests swap the clock.
   *
   * @param store test hook: an op store to use instead of the configured one (e.g. one store shared
   *     by two nodes in one JVM); null in production. The app does not close it.
   * @param openTelemetry tracing to use instead of the {@code OTEL_*} variables (tests pass an SDK
   *     with an in-memory exporter); null: from the environment
   */
  public record Wiring(
      PhysicalClock clock,
      Clock jwtClock,
      Duration sweepInterval,
      UnaryOperator<EngineOptions> tuning,
      OpStore store,
      OpenTelemetry openTelemetry) {
    public Wiring(
        PhysicalClock clock,
        Clock jwtClock,
        Duration sweepInterval,
        UnaryOperator<EngineOptions> tuning) {
      this(clock, jwtClock, sweepInterval, tuning, null, null);
    }

    public static Wiring production() {
      return new Wiring(
          PhysicalClock.system(),
          Clock.systemUTC(),
          Duration.ofSeconds(1),
          UnaryOperator.identity());
    }

    /** Test hook: use {@code shared} as the op store (not closed by the app). */
    public Wiring withStore(OpStore shared) {
      return new Wiring(clock, jwtClock, sweepInterval, tuning, shared, openTelemetry);
    }

    public Wiring withOpenTelemetry(OpenTelemetry otel) {
      return new Wiring(clock, jwtClock, sweepInterval, tuning, store, otel);
    }
  }

  public static Future<SyncApp> start(AppConfig config, JwtSettings jwt, Wiring wiring) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    // One id per process: in logs, and in every message this node publishes on Redis or PubNub.
    String nodeId = UUID.randomUUID().toString();
    // Resources opened so far, closed in reverse order if start-up fails and at stop.
    List<Supplier<Future<Void>>> closers = new ArrayList<>();
    closers.add(vertx::close);
    OpStore store;
    NotificationStore notificationStore;
    Adapters.PubSub pubsub;
    OpenTelemetry otel;
    try {
      if (wiring.store() == null) {
        OpStore opened = Adapters.openStore(vertx, config);
        closers.add(opened::close);
        store = opened;
      } else {
        store = wiring.store();
      }
      notificationStore = Adapters.openNotificationStore(config);
      closers.add(notificationStore::close);
      pubsub = Adapters.openPubSub(vertx, config, nodeId);
      closers.add(pubsub.broker()::close);
      closers.add(pubsub.close());
      otel = wiring.openTelemetry();
      if (otel == null) {
        OpenTelemetrySdk sdk = openTelemetry(config);
        closers.add(
            () -> {
              sdk.close();
              return Future.succeededFuture();
            });
        otel = sdk;
      }
    } catch (RuntimeException e) {
      return closeAll(closers).transform(v -> Future.failedFuture(e));
    }
    log.info(
        "node {}: pub/sub and presence {}, {} transport",
        nodeId,
        config.redisUrl() == null ? "in-process (one node)" : "in Redis (several nodes)",
        vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
    SyncMetrics metrics = new SyncMetrics(wiring.clock());
    bindStoreMetrics(metrics, store);
    metrics.functionCounter(
        "sync.log.lines.dropped",
        "Log lines dropped because the log queue was full: whatever reads the output fell behind",
        DroppedLogLines.class,
        c -> DroppedLogLines.total());
    Tracing tracing = Telemetry.isNoop(otel) ? Tracing.OFF : Tracing.of(otel);
    Broker broker = tracing.wrap(pubsub.broker());
    PresenceStore presence = pubsub.presence();
    EngineOptions options =
        EngineOptions.defaults()
            .withHeartbeat(config.heartbeat())
            .withPresenceTimeout(config.presenceTimeout())
            .withMaxClockSkewMillis(config.maxClockSkewMillis());
    options = wiring.tuning().apply(options);
    SyncEngine engine =
        new SyncEngine(tracing.wrap(store), broker, presence, wiring.clock(), options, metrics);
    NotificationService notifications =
        new NotificationService(
            notificationStore,
            broker,
            engine.codec(),
            wiring.clock(),
            config.ops().notifications());
    ServerOps ops =
        new ServerOps(
            metrics,
            tracing,
            new RateLimiter(config.ops().limits(), wiring.clock()),
            notifications,
            config.ops().jsonLogs());
    ServerOptions serverOptions =
        ServerOptions.defaults()
            .withHost(config.host())
            .withPort(config.port())
            .withSweepInterval(wiring.sweepInterval());
    SyncServer server =
        new SyncServer(vertx, engine, new JwtVerifier(jwt, wiring.jwtClock()), serverOptions, ops);
    if (jwt.isDevSecret()) {
      // Only with a secret the service made up itself: POST /dev/token for the demo page.
      server.enableDevTokens(TokenIssuer.forSettings(jwt));
    }
    Future<Void> pubsubReady =
        pubsub
            .ready()
            .timeout(REDIS_STARTUP_WAIT_MS, TimeUnit.MILLISECONDS)
            .recover(
                e -> {
                  log.warn(
                      "node {}: Redis not reachable at start-up ({}); serving anyway, reconnecting",
                      nodeId,
                      e.toString());
                  return Future.succeededFuture();
                });
    return pubsubReady
        .compose(v -> server.start())
        .map(
            port ->
                new SyncApp(vertx, engine, server, port, nodeId, metrics, notifications, closers))
        .recover(e -> closeAll(closers).transform(v -> Future.failedFuture(e)));
  }

  private static OpenTelemetrySdk openTelemetry(AppConfig config) {
    try {
      return Telemetry.fromEnvironment(config.ops());
    } catch (RuntimeException e) {
      throw new AppConfig.ConfigException("OTEL_* configuration: " + e.getMessage());
    }
  }

  /** Group-commit figures of the JDBC stores (SQLite, PostgreSQL). */
  private static void bindStoreMetrics(SyncMetrics metrics, OpStore store) {
    if (!(store instanceof JdbcOpStore<?> jdbc)) {
      return;
    }
    metrics.functionCounter(
        "sync.store.commits",
        "Store write transactions committed (group commits)",
        jdbc,
        s -> s.stats().commits());
    metrics.functionCounter(
        "sync.store.appends",
        "Appends answered by those commits; appends/commits is the batch size",
        jdbc,
        s -> s.stats().appends());
    metrics.functionCounter(
        "sync.store.failed.batches",
        "Store write transactions rolled back",
        jdbc,
        s -> s.stats().failedBatches());
    metrics.gauge(
        "sync.store.batch.size.avg",
        "Average appends per commit since start",
        () -> jdbc.stats().averageBatch());
  }

  /** Closes in reverse order of opening; each step runs even if an earlier one failed. */
  private static Future<Void> closeAll(List<Supplier<Future<Void>>> closers) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = closers.size() - 1; i >= 0; i--) {
      Supplier<Future<Void>> close = closers.get(i);
      chain = chain.eventually(close);
    }
    return chain;
  }

  /** This process's node id (a random UUID). */
  public String nodeId() {
    return nodeId;
  }

  public int port() {
    return port;
  }

  public SyncEngine engine() {
    return engine;
  }

  public Vertx vertx() {
    return vertx;
  }

  public SyncMetrics metrics() {
    return metrics;
  }

  public NotificationService notifications() {
    return notifications;
  }

  /** Graceful stop: drain the server, then close stores, brokers, telemetry and Vert.x. */
  public Future<Void> stop() {
    return server.stop().eventually(() -> closeAll(closers));
  }
}
