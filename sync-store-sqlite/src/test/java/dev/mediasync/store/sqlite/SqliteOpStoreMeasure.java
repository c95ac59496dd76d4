package dev.mediasync.store.sqlite;

import dev.mediasync.store.jdbc.OpStoreMeasure;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rough numbers for both synchronous modes, printed, never asserted (not a test: surefire does not
 * pick it up). Run with the test classpath: {@code java -cp ...
 * dev.mediasync.store.sqlite.SqliteOpStoreMeasure <dir>}. The measuring is {@link OpStoreMeasure}.
 */
public final class SqliteOpStoreMeasure {

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "target/measure");
    for (SqliteOptions.Synchronous mode : SqliteOptions.Synchronous.values()) {
      Path dir = Files.createDirectories(root.resolve(mode.name().toLowerCase()));
      for (String file : new String[] {"sync.db", "sync.db-wal", "sync.db-shm"}) {
        Files.deleteIfExists(dir.resolve(file));
      }
      SqliteOpStore store = SqliteOpStore.open(SqliteOptions.defaults(dir).withSynchronous(mode));
      try {
        OpStoreMeasure measure = new OpStoreMeasure(store, mode.name());
        measure.openLoop(4, 5_000);
        measure.closedLoop(4, 500);
        measure.latency(1_000);
      } finally {
        OpStoreMeasure.close(store);
      }
    }
  }
}
