package dev.mediasync.app;

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
}
