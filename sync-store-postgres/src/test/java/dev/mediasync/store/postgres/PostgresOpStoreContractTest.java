package dev.mediasync.store.postgres;

import dev.mediasync.engine.port.OpStore;
import dev.mediasync.testkit.OpStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite against the real PostgreSQL, in a schema of its own. */
class PostgresOpStoreContractTest extends OpStoreContract {

  private static PostgresOptions options;
  private static boolean migrated;

  @BeforeAll
  static void schema() {
    options = PgTestDatabase.freshOptions();
  }

  @AfterAll
  static void dropSchema() {
    PgTestDatabase.dropSchema(options);
  }

  @Override
  protected OpStore newStore() {
    if (migrated) {
      PgTestDatabase.truncate(options);
    }
    PostgresOpStore store = PostgresOpStore.open(options);
    migrated = true;
    return store;
  }

  @Override
  protected boolean survivesReopen() {
    return true;
  }

  @Override
  protected OpStore reopen() {
    return PostgresOpStore.open(options);
  }

  @Override
  protected boolean enforcesMonotonicTimestamps() {
    return true;
  }
}
