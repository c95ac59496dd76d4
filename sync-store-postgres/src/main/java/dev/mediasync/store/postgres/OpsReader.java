package dev.mediasync.store.postgres;

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
 * The read queries on one read-only connection. Each answer is read in one REPEATABLE READ
 * transaction, so it sees one committed state even while a writer compacts. Used by one thread.
 */
final class OpsReader implements AutoCloseable {

  private final Connection conn;
  private final PreparedStatement selectSnapshot;
  private final PreparedStatement selectOpsAfter;
  private final PreparedStatement selectMark;
  private final PreparedStatement selectOne;

  private OpsReader(Connection conn) throws SQLException {
    this.conn = conn;
    selectSnapshot =
        conn.prepareStatement("SELECT through, payload FROM snapshots WHERE user_id = ?");
    selectOpsAfter =
        conn.prepareStatement(
            "SELECT ts, op_id, fingerprint, payload FROM ops"
                + " WHERE user_id = ? AND ts > ? ORDER BY ts LIMIT ?");
    selectMark =
        conn.prepareStatement("SELECT compacted_through FROM compaction_marks WHERE user_id = ?");
    selectOne = conn.prepareStatement("SELECT 1");
  }

  static OpsReader open(PostgresOptions options) throws SQLException {
    Connection conn = PgConnections.open(options, true);
    try {
      return new OpsReader(conn);
    } catch (SQLException | RuntimeException e) {
      PgConnections.closeQuietly(conn);
      throw e;
    }
  }

  UserLog load(String userId) throws SQLException {
    try {
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
      List<LoggedOp> ops = opsAfter(userId, after, Long.MAX_VALUE);
      conn.commit();
      return new UserLog(snapshot, ops);
    } catch (SQLException | RuntimeException e) {
      endAfter(e);
      throw e;
    }
  }

  /** See {@link dev.mediasync.engine.port.OpStore#since}; {@code since} is below 2^63. */
  CatchUp since(String userId, HybridTimestamp since, int limit) throws SQLException {
    try {
      CatchUp answer;
      selectMark.setString(1, userId);
      Long compactedThrough = null;
      try (ResultSet rs = selectMark.executeQuery()) {
        if (rs.next()) {
          compactedThrough = rs.getLong(1);
        }
      }
      if (compactedThrough != null && since.packed() < compactedThrough) {
        answer = CatchUp.mustSnapshot();
      } else {
        long max = Math.max(limit, 0);
        List<LoggedOp> ops = opsAfter(userId, since.packed(), max + 1);
        answer = ops.size() > max ? CatchUp.mustSnapshot() : new CatchUp(ops, false);
      }
      conn.commit();
      return answer;
    } catch (SQLException | RuntimeException e) {
      endAfter(e);
      throw e;
    }
  }

  void ping() throws SQLException {
    try (ResultSet rs = selectOne.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("SELECT 1 returned no row");
      }
      conn.commit();
    } catch (SQLException | RuntimeException e) {
      endAfter(e);
      throw e;
    }
  }

  private List<LoggedOp> opsAfter(String userId, long after, long limit) throws SQLException {
    selectOpsAfter.setString(1, userId);
    selectOpsAfter.setLong(2, after);
    selectOpsAfter.setLong(3, limit);
    List<LoggedOp> ops = new ArrayList<>();
    try (ResultSet rs = selectOpsAfter.executeQuery()) {
      while (rs.next()) {
        ops.add(
            new LoggedOp(
                userId,
                HybridTimestamp.fromPacked(rs.getLong(1)),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4)));
      }
    }
    return ops;
  }

  private void endAfter(Exception cause) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    for (PreparedStatement ps : List.of(selectSnapshot, selectOpsAfter, selectMark, selectOne)) {
      PgConnections.closeQuietly(ps);
    }
    PgConnections.closeQuietly(conn);
  }
}
