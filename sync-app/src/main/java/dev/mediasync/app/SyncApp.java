package dev.mediasync.app;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.EngineOptions;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.SyncListener;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InMemoryPresenceStore;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.server.ServerOptions;
import dev.mediasync.server.SyncServer;
import dev.mediasync.server.auth.JwtSettings;
import dev.mediasync.server.auth.JwtVerifier;
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

  private SyncApp(Vertx vertx, SyncEngine engine, SyncServer server, int port) {
    this.vertx = vertx;
    this.engine = engine;
    this.server = server;
    this.port = port;
  }

  /** Everything {@link #start} needs besides the configuration; tests swap the clock. */
  public record Wiring(
      PhysicalClock clock,
      Clock jwtClock,
      Duration sweepInterval,
      UnaryOperator<EngineOptions> tuning) {
    public static Wiring production() {
      return new Wiring(
          PhysicalClock.system(),
          Clock.systemUTC(),
          Duration.ofSeconds(1),
          UnaryOperator.identity());
    }
  }

  public static Future<SyncApp> start(AppConfig config, JwtSettings jwt, Wiring wiring) {
    Vertx vertx = Vertx.vertx();
    OpStore store;
    try {
      store = Adapters.openStore(vertx, config);
    } catch (RuntimeException e) {
      vertx.close();
      return Future.failedFuture(e);
    }
    Broker broker;
    try {
      broker = Adapters.openBroker(vertx, config);
    } catch (RuntimeException e) {
      store.close();
      vertx.close();
      return Future.failedFuture(e);
    }
    PresenceStore presence = new InMemoryPresenceStore();
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
    return server
        .start()
        .map(port -> new SyncApp(vertx, engine, server, port))
        .recover(
            e ->
                store
                    .close()
                    .eventually(() -> broker.close())
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

  /** Graceful stop: drain the server, flush the store, close Vert.x. */
  public Future<Void> stop() {
    return server
        .stop()
        .eventually(() -> engine.store().close())
        .eventually(() -> engine.broker().close())
        .eventually(() -> vertx.close());
  }
}
