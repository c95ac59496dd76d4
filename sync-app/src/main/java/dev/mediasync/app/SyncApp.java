package dev.mediasync.app;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.EngineOptions;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.SyncListener;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.server.ServerOptions;
import dev.mediasync.server.SyncServer;
import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.JwtVerifier;
import dev.mediasync.server.auth.TokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
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
  private final boolean ownsStore;
  private final Supplier<Future<Void>> closePubSub;

  private SyncApp(
      Vertx vertx,
      SyncEngine engine,
      SyncServer server,
      int port,
      String nodeId,
      boolean ownsStore,
      Supplier<Future<Void>> closePubSub) {
    this.vertx = vertx;
    this.engine = engine;
    this.server = server;
    this.port = port;
    this.nodeId = nodeId;
    this.ownsStore = ownsStore;
    this.closePubSub = closePubSub;
  }

  /**
   * Everything {@link #start} needs besides the configuration; tests swap the clock.
   *
   * @param store test hook: an op store to use instead of the configured one (e.g. one store shared
   *     by two nodes in one JVM); null in production. The app does not close it.
   */
  public record Wiring(
      PhysicalClock clock,
      Clock jwtClock,
      Duration sweepInterval,
      UnaryOperator<EngineOptions> tuning,
      OpStore store) {
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

    /** Test hook: use {@code shared} as the op store (not closed by the app). */
    public Wiring withStore(OpStore shared) {
      return new Wiring(clock, jwtClock, sweepInterval, tuning, shared);
    }
  }

  public static Future<SyncApp> start(AppConfig config, JwtSettings jwt, Wiring wiring) {
    Vertx vertx = Vertx.vertx();
    // One id per process: in logs, and in every message this node publishes on Redis.
    String nodeId = UUID.randomUUID().toString();
    boolean ownsStore = wiring.store() == null;
    OpStore store;
    try {
      store = ownsStore ? Adapters.openStore(vertx, config) : wiring.store();
    } catch (RuntimeException e) {
      vertx.close();
      return Future.failedFuture(e);
    }
    Adapters.PubSub pubsub;
    try {
      pubsub = Adapters.openPubSub(vertx, config, nodeId);
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      vertx.close();
      return Future.failedFuture(e);
    }
    Broker broker = pubsub.broker();
    PresenceStore presence = pubsub.presence();
    log.info(
        "node {}: pub/sub and presence {}",
        nodeId,
        config.redisUrl() == null ? "in-process (one node)" : "in Redis (several nodes)");
    EngineOptions options =
        EngineOptions.defaults()
            .withHeartbeat(config.heartbeat())
            .withPresenceTimeout(config.presenceTimeout())
            .withMaxClockSkewMillis(config.maxClockSkewMillis());
    options = wiring.tuning().apply(options);
    SyncEngine engine =
        new SyncEngine(store, broker, presence, wiring.clock(), options, SyncListener.NONE);
    ServerOptions serverOptions =
        ServerOptions.defaults()
            .withHost(config.host())
            .withPort(config.port())
            .withSweepInterval(wiring.sweepInterval());
    SyncServer server =
        new SyncServer(vertx, engine, new JwtVerifier(jwt, wiring.jwtClock()), serverOptions);
    if (jwt.isDevSecret()) {
      // Only with a secret the service made up itself: POST /dev/token for the demo page.
      server.enableDevTokens(TokenIssuer.forSettings(jwt));
    }
    Future<Void> redisReady =
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
    return redisReady
        .compose(v -> server.start())
        .map(port -> new SyncApp(vertx, engine, server, port, nodeId, ownsStore, pubsub.close()))
        .recover(
            e ->
                (ownsStore ? store.close() : Future.<Void>succeededFuture())
                    .eventually(broker::close)
                    .eventually(pubsub.close())
                    .eventually(() -> vertx.close())
                    .transform(v -> Future.failedFuture(e)));
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

  /** Graceful stop: drain the server, flush the store, close Vert.x. */
  public Future<Void> stop() {
    return server
        .stop()
        .eventually(() -> ownsStore ? engine.store().close() : Future.succeededFuture())
        .eventually(() -> engine.broker().close())
        .eventually(closePubSub)
        .eventually(() -> vertx.close());
  }
}
