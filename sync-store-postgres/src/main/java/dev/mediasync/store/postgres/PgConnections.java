package dev.mediasync.store.postgres;

import dev.mediasync.store.jdbc.JdbcResources;
import dev.mediasync.store.jdbc.RetryPolicy;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Opens JDBC connections with the store's timeouts and schema, and tells which errors a new
 * connection may cure (the retry policies of the writer and the readers).
 */
final class PgConnections {

  private static final Driver DRIVER = new Driver();

  private PgConnections() {}

  /**
   * A new connection with {@code search_path} set to the store's schema, auto-commit off. Fails
   * within about {@link PostgresOptions#connectTimeout()} if the server does not answer.
   */
  static Connection open(PostgresOptions options, boolean readOnly) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", options.user());
    if (options.password() != null) {
      props.setProperty("password", options.password());
    }
    props.setProperty("connectTimeout", seconds(options.connectTimeout().toSeconds()));
    props.setProperty("loginTimeout", seconds(options.connectTimeout().toSeconds()));
    props.setProperty("socketTimeout", seconds(options.queryTimeout().toSeconds()));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("currentSchema", options.schema());
    props.setProperty("ApplicationName", readOnly ? "mediasync-reader" : "mediasync-writer");
    Connection conn = DRIVER.connect(options.jdbcUrl(), props);
    if (conn == null) {
      throw new SQLException("driver refused URL " + options.jdbcUrl());
    }
    try {
      conn.setAutoCommit(false);
      if (readOnly) {
        conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        conn.setReadOnly(true);
      }
      return conn;
    } catch (SQLException | RuntimeException e) {
      JdbcResources.closeQuietly(conn);
      throw e;
    }
  }

  /** A data source for Flyway (start-up only). */
  static DataSource dataSource(PostgresOptions options) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {options.host()});
    ds.setPortNumbers(new int[] {options.port()});
    ds.setDatabaseName(options.database());
    ds.setUser(options.user());
    if (options.password() != null) {
      ds.setPassword(options.password());
    }
    ds.setConnectTimeout((int) options.connectTimeout().toSeconds());
    ds.setLoginTimeout((int) options.connectTimeout().toSeconds());
    // Migrations may wait on another node's migration lock; give them more than a query.
    ds.setSocketTimeout((int) Math.max(60, options.queryTimeout().toSeconds()));
    ds.setApplicationName("mediasync-migrate");
    return ds;
  }

  /**
   * True if {@code e} says the connection itself failed (broken socket, server shutdown, refused),
   * as opposed to an error of the statement; the connection must then be replaced.
   */
  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    if (state != null
        && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
      return true;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The writer's retry: once more on a new connection if an open connection turned out broken (e.g.
   * the server restarted since the last batch) or the transaction hit a deadlock.
   */
  static final RetryPolicy WRITE_RETRY =
      (e, wasOpen) -> (wasOpen && isConnectionFailure(e)) || isTransient(e);

  /** The readers' retry: once more on a new connection if an open connection turned out broken. */
  static final RetryPolicy READ_RETRY = (e, wasOpen) -> wasOpen && isConnectionFailure(e);

  /**
   * True for errors a new attempt of the same transaction may not hit (deadlock, serialization).
   */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  private static String seconds(long s) {
    return Long.toString(Math.max(1, s));
  }
}
