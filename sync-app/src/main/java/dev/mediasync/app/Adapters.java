package dev.mediasync.app;

import dev.mediasync.broker.pubnub.MirroringBroker;
import dev.mediasync.broker.pubnub.PubNubBroker;
import dev.mediasync.broker.pubnub.PubNubOptions;
import dev.mediasync.broker.redis.RedisBroker;
import dev.mediasync.broker.redis.RedisPresenceStore;
import dev.mediasync.broker.redis.RedisSupport;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InMemoryPresenceStore;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.store.postgres.PostgresOpStore;
import dev.mediasync.store.postgres.PostgresOptions;
import dev.mediasync.store.sqlite.SqliteNotificationStore;
import dev.mediasync.store.sqlite.SqliteOpStore;
import dev.mediasync.store.sqlite.SqliteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Chooses the adapter for each port from the configuration. */
final class Adapters {
  /** How long a Redis call (publish, presence update, ping) may take before its future fails. */
  static final long REDIS_TIMEOUT_MS = 2_000;

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
    return SqliteOpStore.open(sqliteOptions(config));
  }

  /**
   * Opens the notification store next to the op store: SQLite tables in the same file, so
   * notifications for offline devices survive a restart. Blocking, like {@link #openStore}.
   */
  static NotificationStore openNotificationStore(AppConfig config) {
    return SqliteNotificationStore.open(sqliteOptions(config));
  }

  private static SqliteOptions sqliteOptions(AppConfig config) {
    return SqliteOptions.defaults(config.dataDir())
        .withSynchronous(SqliteOptions.Synchronous.valueOf(config.sqliteSynchronous()));
  }

  /**
   * Pub/sub and presence: in-process and in-memory for one node; Redis (shared by every node) when
   * {@code SYNC_REDIS_URL} is set. PubNub, when both keys are set, joins as follows:
   *
   * <ul>
   *   <li>PubNub only: {@link PubNubBroker} is the broker. It delivers to this node's sessions at
   *       once and to other nodes through PubNub (long-poll on the channels of local users).
   *       Presence stays per node.
   *   <li>Redis and PubNub: Redis is the cross-node broker; PubNub is a publish-only mirror (so
   *       PubNub clients can listen on {@code user.{id}.*}) behind a {@link MirroringBroker}:
   *       subscriptions, readiness and delivery between nodes depend on Redis alone.
   * </ul>
   *
   * @param ready completes when the adapters can serve (Redis connected), or fails
   * @param close releases what the broker's own close does not
   */
  record PubSub(
      Broker broker, PresenceStore presence, Future<Void> ready, Supplier<Future<Void>> close) {}

  static PubSub openPubSub(Vertx vertx, AppConfig config, String nodeId) {
    if (config.redisUrl() == null) {
      Broker broker =
          config.pubnub() == null
              ? new InProcessBroker()
              : new PubNubBroker(vertx, pubnubOptions(config.pubnub()));
      return new PubSub(
          broker, new InMemoryPresenceStore(), Future.succeededFuture(), Future::succeededFuture);
    }
    RedisBroker redis =
        new RedisBroker(
            vertx, RedisSupport.client(vertx, config.redisUrl(), 2), nodeId, "", REDIS_TIMEOUT_MS);
    RedisPresenceStore presence =
        new RedisPresenceStore(
            RedisSupport.client(vertx, config.redisUrl(), 8),
            "",
            config.presenceTimeout(),
            REDIS_TIMEOUT_MS);
    Broker broker =
        config.pubnub() == null
            ? redis
            : new MirroringBroker(redis, new PubNubBroker(vertx, pubnubOptions(config.pubnub())));
    // Ready once the broker's two connections are up; the presence client connects per call.
    return new PubSub(broker, presence, redis.ready(), presence::close);
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
