package dev.mediasync.app;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.EngineOptions;
import dev.mediasync.engine.NotificationService;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InMemoryPresenceStore;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.server.ServerOps;
import dev.mediasync.server.ServerOptions;
import dev.mediasync.server.SyncServer;
import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.JwtVerifier;
import dev.mediasync.server.limits.RateLimiter;
import dev.mediasync.server.metrics.SyncMetrics;
import dev.mediasync.server.tracing.Tracing;
import dev.mediasync.store.sqlite.SqliteOpStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The composition root: picks the adapters the configuration asks for, builds the engine and the
 * server, and stops them in order. The only class that names concrete adapters.
 */
public final class SyncApp {
  private final Vertx vertx;
  private final SyncEngine engine;
  private final SyncServer server;
  private final int port;
  private final SyncMetrics metrics;
  private final NotificationService notifications;
  private final AutoCloseable telemetry;

  private SyncApp(
      Vertx vertx,
      SyncEngine engine,
      SyncServer server,
      int port,
      SyncMetrics metrics,
      NotificationService notifications,
      AutoCloseable telemetry) {
    this.vertx = vertx;
    this.engine = engine;
    this.server = server;
    this.port = port;
    this.metrics = metrics;
    this.notifications = notifications;
    this.telemetry = telemetry;
  }

  /**
   * Everything {@link #start} needs besides the configuration; tests swap the clock.
   *
   * @param openTelemetry tracing to use instead of the {@code OTEL_*} variables (tests pass an SDK
   *     with an in-memory exporter); null: from the environment
   */
  public record Wiring(
      PhysicalClock clock,
      Clock jwtClock,
      Duration sweepInterval,
      UnaryOperator<EngineOptions> tuning,
      OpenTelemetry openTelemetry) {
    public Wiring(
        PhysicalClock clock,
        Clock jwtClock,
        Duration sweepInterval,
        UnaryOperator<EngineOptions> tuning) {
      this(clock, jwtClock, sweepInterval, tuning, null);
    }

    public static Wiring production() {
      return new Wiring(
          PhysicalClock.system(),
          Clock.systemUTC(),
          Duration.ofSeconds(1),
          UnaryOperator.identity());
    }

    public Wiring withOpenTelemetry(OpenTelemetry otel) {
      return new Wiring(clock, jwtClock, sweepInterval, tuning, otel);
    }
  }

  public static Future<SyncApp> start(AppConfig config, JwtSettings jwt, Wiring wiring) {
    Vertx vertx = Vertx.vertx();
    OpStore store;
    NotificationStore notificationStore;
    try {
      store = Adapters.openStore(vertx, config);
    } catch (RuntimeException e) {
      vertx.close();
      return Future.failedFuture(e);
    }
    try {
      notificationStore = Adapters.openNotificationStore(config);
    } catch (RuntimeException e) {
      store.close();
      vertx.close();
      return Future.failedFuture(e);
    }
    SyncMetrics metrics = new SyncMetrics(wiring.clock());
    if (store instanceof SqliteOpStore sqlite) {
      metrics.functionCounter(
          "sync.store.commits",
          "Store write transactions committed (group commits)",
          sqlite,
          s -> s.stats().commits());
      metrics.functionCounter(
          "sync.store.appends",
          "Appends answered by those commits; appends/commits is the batch size",
          sqlite,
          s -> s.stats().appends());
      metrics.functionCounter(
          "sync.store.failed.batches",
          "Store write transactions rolled back",
          sqlite,
          s -> s.stats().failedBatches());
      metrics.gauge(
          "sync.store.batch.size.avg",
          "Average appends per commit since start",
          () -> sqlite.stats().averageBatch());
    }
    OpenTelemetrySdk ownSdk = null;
    OpenTelemetry otel = wiring.openTelemetry();
    if (otel == null) {
      try {
        ownSdk = Telemetry.fromEnvironment(config.ops());
      } catch (RuntimeException e) {
        store.close();
        notificationStore.close();
        vertx.close();
        return Future.failedFuture(
            new AppConfig.ConfigException("OTEL_* configuration: " + e.getMessage()));
      }
      otel = ownSdk;
    }
    Tracing tracing = Telemetry.isNoop(otel) ? Tracing.OFF : Tracing.of(otel);
    store = tracing.wrap(store);
    Broker broker = tracing.wrap(new InProcessBroker());
    PresenceStore presence = new InMemoryPresenceStore();
    EngineOptions options =
        EngineOptions.defaults()
            .withHeartbeat(config.heartbeat())
            .withPresenceTimeout(config.presenceTimeout())
            .withMaxClockSkewMillis(config.maxClockSkewMillis());
    options = wiring.tuning().apply(options);
    SyncEngine engine = new SyncEngine(store, broker, presence, wiring.clock(), options, metrics);
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
    OpenTelemetrySdk sdk = ownSdk;
    AutoCloseable telemetry = sdk == null ? () -> {} : sdk::close;
    OpStore opened = store;
    return server
        .start()
        .map(port -> new SyncApp(vertx, engine, server, port, metrics, notifications, telemetry))
        .recover(
            e ->
                opened
                    .close()
                    .eventually(notificationStore::close)
                    .eventually(
                        () -> {
                          closeQuietly(telemetry);
                          return Future.succeededFuture();
                        })
                    .eventually(() -> vertx.close())
                    .transform(v -> Future.failedFuture(e)));
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

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // flushing spans at stop is best effort
    }
  }

  /** Graceful stop: drain the server, flush the store, close Vert.x. */
  public Future<Void> stop() {
    return server
        .stop()
        .eventually(() -> engine.store().close())
        .eventually(() -> notifications.store().close())
        .eventually(() -> engine.broker().close())
        .eventually(
            () -> {
              closeQuietly(telemetry);
              return Future.succeededFuture();
            })
        .eventually(() -> vertx.close());
  }
}
