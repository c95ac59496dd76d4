package dev.mediasync.app;

import dev.mediasync.broker.pubnub.MirroringBroker;
import dev.mediasync.broker.pubnub.PubNubBroker;
import dev.mediasync.broker.pubnub.PubNubOptions;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.store.postgres.PostgresOpStore;
import dev.mediasync.store.postgres.PostgresOptions;
import dev.mediasync.store.sqlite.SqliteOpStore;
import dev.mediasync.store.sqlite.SqliteOptions;
import io.vertx.core.Vertx;

/** Chooses the adapter for each port from the configuration. */
final class Adapters {
  private Adapters() {}

  /**
   * Opens the op store: PostgreSQL when {@code SYNC_DATABASE_URL} is set, else the embedded SQLite
   * file. Blocking (PostgreSQL: schema migration), so call it at start-up, never on an event loop.
   */
  static OpStore openStore(Vertx vertx, AppConfig config) {
    if (config.databaseUrl() != null) {
      PostgresOptions options;
      try {
        options = PostgresOptions.fromUrl(config.databaseUrl()).withSchema(config.databaseSchema());
      } catch (IllegalArgumentException e) {
        throw new AppConfig.ConfigException("SYNC_DATABASE_URL: " + e.getMessage());
      }
      return PostgresOpStore.open(options);
    }
    SqliteOptions options =
        SqliteOptions.defaults(config.dataDir())
            .withSynchronous(SqliteOptions.Synchronous.valueOf(config.sqliteSynchronous()));
    return SqliteOpStore.open(options);
  }

  /**
   * Chooses the broker.
   *
   * <ul>
   *   <li>Neither Redis nor PubNub: {@link InProcessBroker} (one node).
   *   <li>PubNub only: {@link PubNubBroker} is the broker. It delivers to this node's sessions at
   *       once and to other nodes through PubNub (long-poll on the channels of local users).
   *   <li>Redis and PubNub: Redis is the cross-node broker; PubNub is a publish-only mirror (so
   *       PubNub clients can listen on {@code user.{id}.*}) behind a {@link MirroringBroker}:
   *       subscriptions, readiness and delivery between nodes depend on Redis alone.
   * </ul>
   */
  static Broker openBroker(Vertx vertx, AppConfig config) {
    Broker primary = primaryBroker(vertx, config);
    if (config.pubnub() == null) {
      return primary;
    }
    PubNubBroker pubnub = new PubNubBroker(vertx, pubnubOptions(config.pubnub()));
    if (config.redisUrl() == null) {
      return pubnub;
    }
    return new MirroringBroker(primary, pubnub);
  }

  /**
   * The broker carrying traffic between nodes when Redis is configured. The Redis broker (issue #5)
   * is built on another branch; until it is merged this returns the in-process broker.
   */
  private static Broker primaryBroker(Vertx vertx, AppConfig config) {
    return new InProcessBroker();
  }

  static PubNubOptions pubnubOptions(AppConfig.PubNub p) {
    try {
      return PubNubOptions.defaults(p.publishKey(), p.subscribeKey())
          .withOrigin(p.origin(), p.secure());
    } catch (IllegalArgumentException e) {
      throw new AppConfig.ConfigException("PUBNUB_ORIGIN: " + e.getMessage());
    }
  }
}
