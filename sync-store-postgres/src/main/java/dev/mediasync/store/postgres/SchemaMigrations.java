package dev.mediasync.store.postgres;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and upgrades the schema with Flyway from {@code classpath:db/migration} ({@code
 * V1__ops.sql}, ...). Blocking JDBC, at start-up only. The schema (and Flyway's history table in
 * it) is created if missing; several nodes starting at once are serialized by Flyway's lock.
 */
final class SchemaMigrations {

  private SchemaMigrations() {}

  static MigrateResult migrate(PostgresOptions options) {
    Flyway flyway =
        Flyway.configure(SchemaMigrations.class.getClassLoader())
            .dataSource(PgConnections.dataSource(options))
            .schemas(options.schema())
            .defaultSchema(options.schema())
            .createSchemas(true)
            .locations("classpath:db/migration")
            .validateMigrationNaming(true)
            .cleanDisabled(true)
            .load();
    return flyway.migrate();
  }
}
