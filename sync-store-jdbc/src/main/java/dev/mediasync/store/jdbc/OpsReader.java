package dev.mediasync.store.jdbc;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.UserLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The read queries on one reading connection (the SQL is the same for every engine). Each answer is
 * read inside one read transaction of the engine's kind (SQLite: a WAL read transaction;
 * PostgreSQL: REPEATABLE READ), so it sees one committed state even while a writer compacts. Used
 * by one reader thread of the {@link ReadPool}.
 */
final class OpsReader implements AutoCloseable {

  private final Connection conn;
  private final Transaction tx;
  private final PreparedStatement selectSnapshot;
  private final PreparedStatement selectOpsAfter;
  private final PreparedStatement selectMark;
  private final PreparedStatement selectByOpId;
  private final PreparedStatement selectOne;

  private OpsReader(Connection conn, Transaction tx) throws SQLException {
    this.conn = conn;
    this.tx = tx;
    selectSnapshot =
        conn.prepareStatement("SELECT through, payload FROM snapshots WHERE user_id = ?");
    selectOpsAfter =
        conn.prepareStatement(
            "SELECT ts, op_id, fingerprint, payload FROM ops"
                + " WHERE user_id = ? AND ts > ? ORDER BY ts LIMIT ?");
    selectMark =
        conn.prepareStatement("SELECT compacted_through FROM compaction_marks WHERE user_id = ?");
    selectByOpId =
        conn.prepareStatement(
            "SELECT ts, op_id, fingerprint, payload FROM ops WHERE user_id = ? AND op_id = ?");
    selectOne = conn.prepareStatement("SELECT 1");
  }

  /** Opens a connection and prepares the queries; closes the connection if that fails. */
  static OpsReader open(ConnectionFactory connections, Transaction.Opener transactions)
      throws SQLException {
    Connection conn = connections.open();
    Transaction tx = null;
    try {
      tx = transactions.on(conn);
      return new OpsReader(conn, tx);
    } catch (SQLException | RuntimeException e) {
      JdbcResources.closeQuietly(tx);
      JdbcResources.closeQuietly(conn);
      throw e;
    }
  }

  UserLog load(String userId) throws SQLException {
    return tx.run(
        () -> {
          StoredSnapshot snapshot = null;
          selectSnapshot.setString(1, userId);
          try (ResultSet rs = selectSnapshot.executeQuery()) {
            if (rs.next()) {
              snapshot =
                  new StoredSnapshot(
                      userId, HybridTimestamp.fromPacked(rs.getLong(1)), rs.getString(2));
            }
          }
          long after = snapshot == null ? Long.MIN_VALUE : snapshot.through().packed();
          return new UserLog(snapshot, opsAfter(userId, after, Long.MAX_VALUE));
        });
  }

  /** See {@link dev.mediasync.engine.port.OpStore#since}; {@code since} is below 2^63. */
  CatchUp since(String userId, HybridTimestamp since, int limit) throws SQLException {
    return tx.run(
        () -> {
          selectMark.setString(1, userId);
          Long compactedThrough = null;
          try (ResultSet rs = selectMark.executeQuery()) {
            if (rs.next()) {
              compactedThrough = rs.getLong(1);
            }
          }
          if (compactedThrough != null && since.packed() < compactedThrough) {
            return CatchUp.mustSnapshot();
          }
          long max = Math.max(limit, 0);
          List<LoggedOp> ops = opsAfter(userId, since.packed(), max + 1);
          return ops.size() > max ? CatchUp.mustSnapshot() : new CatchUp(ops, false);
        });
  }

  /** See {@link dev.mediasync.engine.port.OpStore#findOp}: the (user_id, op_id) index. */
  LoggedOp findOp(String userId, String opId) throws SQLException {
    return tx.run(
        () -> {
          selectByOpId.setString(1, userId);
          selectByOpId.setString(2, opId);
          try (ResultSet rs = selectByOpId.executeQuery()) {
            return rs.next() ? loggedOp(userId, rs) : null;
          }
        });
  }

  void ping() throws SQLException {
    tx.run(
        () -> {
          try (ResultSet rs = selectOne.executeQuery()) {
            if (!rs.next()) {
              throw new SQLException("SELECT 1 returned no row");
            }
          }
          return null;
        });
  }

  private List<LoggedOp> opsAfter(String userId, long after, long limit) throws SQLException {
    selectOpsAfter.setString(1, userId);
    selectOpsAfter.setLong(2, after);
    selectOpsAfter.setLong(3, limit);
    List<LoggedOp> ops = new ArrayList<>();
    try (ResultSet rs = selectOpsAfter.executeQuery()) {
      while (rs.next()) {
        ops.add(loggedOp(userId, rs));
      }
    }
    return ops;
  }

  /** A row of {@code SELECT ts, op_id, fingerprint, payload FROM ops}. */
  private static LoggedOp loggedOp(String userId, ResultSet rs) throws SQLException {
    return new LoggedOp(
        userId,
        HybridTimestamp.fromPacked(rs.getLong(1)),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4));
  }

  @Override
  public void close() {
    for (PreparedStatement ps :
        List.of(selectSnapshot, selectOpsAfter, selectMark, selectByOpId, selectOne)) {
      JdbcResources.closeQuietly(ps);
    }
    tx.close();
    JdbcResources.closeQuietly(conn);
  }
}
