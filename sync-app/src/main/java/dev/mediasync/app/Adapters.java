package dev.mediasync.app;

import dev.mediasync.engine.port.OpStore;
import dev.mediasync.store.sqlite.SqliteOpStore;
import dev.mediasync.store.sqlite.SqliteOptions;
import io.vertx.core.Vertx;

/** Chooses the adapter for each port from the configuration. */
final class Adapters {
  private Adapters() {}

  /** Opens the op store; blocking, so call it at start-up, never on an event loop. */
  static OpStore openStore(Vertx vertx, AppConfig config) {
    if (config.databaseUrl() != null) {
      throw new AppConfig.ConfigException("SYNC_DATABASE_URL is not supported by this build yet");
    }
    SqliteOptions options =
        SqliteOptions.defaults(config.dataDir())
            .withSynchronous(SqliteOptions.Synchronous.valueOf(config.sqliteSynchronous()));
    return SqliteOpStore.open(options);
  }
}
