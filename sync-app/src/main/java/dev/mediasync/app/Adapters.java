package dev.mediasync.app;

import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.store.sqlite.SqliteNotificationStore;
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
}
