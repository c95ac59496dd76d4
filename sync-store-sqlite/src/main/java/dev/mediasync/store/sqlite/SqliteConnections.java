package dev.mediasync.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections with the store's pragmas. Connections stay in auto-commit mode: callers write
 * {@code BEGIN}/{@code COMMIT} themselves, so no connection holds a lock between transactions.
 */
final class SqliteConnections {

  private SqliteConnections() {}

  /** The single writing connection: WAL, the configured synchronous mode, busy timeout. */
  static Connection openWriter(SqliteOptions options) throws SQLException {
    createParentDirectory(options);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(
        options.synchronous() == SqliteOptions.Synchronous.FULL
            ? SQLiteConfig.SynchronousMode.FULL
            : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    // We never read generated keys; the driver would otherwise match a regex against the SQL on
    // every execute to find out whether to fetch them (seen in the writer's CPU profile).
    config.setGetGeneratedKeys(false);
    Connection conn = config.createConnection(options.jdbcUrl());
    try {
      String mode = pragma(conn, "journal_mode");
      if (!"wal".equals(mode.toLowerCase(Locale.ROOT))) {
        throw new SQLException("could not switch to WAL journal mode, got: " + mode);
      }
      return conn;
    } catch (SQLException e) {
      conn.close();
      throw e;
    }
  }

  /** A reading connection: refuses writes, waits on locks up to the busy timeout. */
  static Connection openReader(SqliteOptions options) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    Connection conn = config.createConnection(options.jdbcUrl());
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA query_only = 1");
      return conn;
    } catch (SQLException e) {
      conn.close();
      throw e;
    }
  }

  /** The value of a pragma as text, e.g. {@code journal_mode} → {@code wal}. */
  static String pragma(Connection conn, String name) throws SQLException {
    if (!name.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a pragma name: " + name);
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * Creates the database file's directory if missing: every writer (op store, notification store)
   * opens the file through here, and with PostgreSQL as the op store only the notification store
   * uses the data directory.
   */
  private static void createParentDirectory(SqliteOptions options) throws SQLException {
    java.nio.file.Path dir = options.dbFile().toAbsolutePath().getParent();
    if (dir == null) {
      return;
    }
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
