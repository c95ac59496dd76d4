package dev.mediasync.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL the integration tests use: {@code SYNC_TEST_DATABASE_URL}, default {@code
 * postgresql://postgres@127.0.0.1:5432/test}. Each test class works in its own schema ({@code
 * sync_it_<random>}), dropped afterwards.
 *
 * <p>Unreachable database: under {@code CI=true} the tests fail; elsewhere they are skipped with a
 * message saying how to run them.
 */
final class PgTestDatabase {

  static final String URL =
      System.getenv()
          .getOrDefault("SYNC_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test");

  private PgTestDatabase() {}

  /** Options for {@link #URL} in a new unique schema (not created yet: the store migrates it). */
  static PostgresOptions freshOptions() {
    requireReachable();
    String schema =
        "sync_it_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    return PostgresOptions.fromUrl(URL).withSchema(schema);
  }

  /** Fails (CI) or skips (elsewhere) the calling test if the database cannot be reached. */
  static void requireReachable() {
    try (Connection c = connect(PostgresOptions.fromUrl(URL))) {
      // reachable
    } catch (SQLException e) {
      String message =
          "PostgreSQL not reachable at "
              + PostgresOptions.fromUrl(URL).describe()
              + " ("
              + e.getMessage()
              + "); set SYNC_TEST_DATABASE_URL or start PostgreSQL to run these tests";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message, e);
      }
      Assumptions.abort(message);
    }
  }

  static Connection connect(PostgresOptions o) throws SQLException {
    String url = o.jdbcUrl() + "?connectTimeout=3&socketTimeout=30";
    return DriverManager.getConnection(url, o.user(), o.password());
  }

  static void execute(PostgresOptions o, String sql) {
    try (Connection c = connect(o);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Empties the store's tables (the schema stays migrated). */
  static void truncate(PostgresOptions o) {
    execute(
        o,
        "TRUNCATE "
            + o.schema()
            + ".ops, "
            + o.schema()
            + ".snapshots, "
            + o.schema()
            + ".compaction_marks, "
            + o.schema()
            + ".user_heads");
  }

  static void dropSchema(PostgresOptions o) {
    if (o != null) {
      execute(o, "DROP SCHEMA IF EXISTS " + o.schema() + " CASCADE");
    }
  }
}
