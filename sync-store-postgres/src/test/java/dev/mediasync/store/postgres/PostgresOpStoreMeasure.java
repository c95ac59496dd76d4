package dev.mediasync.store.postgres;

import dev.mediasync.store.jdbc.OpStoreMeasure;

/**
 * Rough numbers, printed, never asserted (not a test: surefire does not pick it up). Run with the
 * test classpath: {@code java -cp ... dev.mediasync.store.postgres.PostgresOpStoreMeasure [url]};
 * the default url is the local test database, in a throwaway schema dropped afterwards. The
 * measuring is {@link OpStoreMeasure}.
 */
public final class PostgresOpStoreMeasure {

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : PgTestDatabase.URL;
    PostgresOptions options =
        PostgresOptions.fromUrl(url).withSchema("sync_measure_" + System.nanoTime() % 1_000_000);
    PostgresOpStore store = PostgresOpStore.open(options);
    try {
      OpStoreMeasure measure = new OpStoreMeasure(store, "pg");
      measure.pingLatency(1_000);
      measure.latency(1_000);
      measure.openLoop(4, 5_000);
      measure.closedLoop(4, 500);
    } finally {
      OpStoreMeasure.close(store);
      PgTestDatabase.dropSchema(options);
    }
  }
}
