package dev.mediasync.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Brackets work on one connection in one transaction, the way the engine wants it: with explicit
 * statements on an auto-commit connection (SQLite: {@code BEGIN IMMEDIATE}/{@code COMMIT} to write,
 * {@code BEGIN}/{@code ROLLBACK} to read), or through the driver on a connection with auto-commit
 * off (PostgreSQL: the first statement begins, {@link Connection#commit()} ends). After a failure
 * the transaction is rolled back and the failure rethrown. Used by the thread that owns the
 * connection.
 */
public final class Transaction implements AutoCloseable {

  /** Work inside the transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T apply() throws SQLException;
  }

  /** Makes the bracket for a newly opened connection. */
  @FunctionalInterface
  public interface Opener {
    Transaction on(Connection conn) throws SQLException;
  }

  private final Connection conn;
  // All null when the driver manages the transaction.
  private final PreparedStatement begin;
  private final PreparedStatement end;
  private final PreparedStatement rollback;

  private Transaction(
      Connection conn, PreparedStatement begin, PreparedStatement end, PreparedStatement rollback) {
    this.conn = conn;
    this.begin = begin;
    this.end = end;
    this.rollback = rollback;
  }

  /**
   * On an auto-commit connection: runs {@code beginSql} first and {@code endSql} after the work,
   * {@code ROLLBACK} after a failure (so no connection holds a lock between transactions).
   */
  public static Transaction explicit(Connection conn, String beginSql, String endSql)
      throws SQLException {
    PreparedStatement begin = null;
    PreparedStatement end = null;
    try {
      begin = conn.prepareStatement(beginSql);
      end = conn.prepareStatement(endSql);
      return new Transaction(conn, begin, end, conn.prepareStatement("ROLLBACK"));
    } catch (SQLException | RuntimeException e) {
      JdbcResources.closeQuietly(begin);
      JdbcResources.closeQuietly(end);
      throw e;
    }
  }

  /** On a connection with auto-commit off: commits after the work, rolls back after a failure. */
  public static Transaction managed(Connection conn) {
    return new Transaction(conn, null, null, null);
  }

  /**
   * Runs {@code work} in one transaction and ends it.
   *
   * @throws SQLException if the work or the end failed; it was rolled back. If no transaction was
   *     open (the begin itself failed), the rollback's error is only recorded on the cause; the
   *     caller drops the connection either way.
   */
  public <T> T run(Work<T> work) throws SQLException {
    try {
      if (begin != null) {
        begin.execute();
      }
      T result = work.apply();
      if (end != null) {
        end.execute();
      } else {
        conn.commit();
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      rollbackAfter(e);
      throw e;
    }
  }

  private void rollbackAfter(Exception cause) {
    try {
      if (rollback != null) {
        rollback.execute();
      } else {
        conn.rollback();
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Closes the statements; the connection belongs to the caller. */
  @Override
  public void close() {
    JdbcResources.closeQuietly(begin);
    JdbcResources.closeQuietly(end);
    JdbcResources.closeQuietly(rollback);
  }
}
