package dev.mediasync.app;

import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.OpStore;
import io.vertx.core.Vertx;

/** Chooses the adapter for each port from the configuration. */
final class Adapters {
  private Adapters() {}

  static OpStore openStore(Vertx vertx, AppConfig config) {
    if (config.databaseUrl() != null) {
      throw new AppConfig.ConfigException("SYNC_DATABASE_URL is not supported by this build yet");
    }
    return new InMemoryOpStore();
  }
}
