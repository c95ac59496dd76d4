package dev.mediasync.store.sqlite;

import dev.mediasync.engine.port.DuplicateOpIdException;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoredSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The write transactions, on the one writing connection with its prepared statements reused for
 * every batch. Used by the writer thread only.
 */
final class OpsWriter implements AutoCloseable {

  private final Connection conn;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final PreparedStatement insertOp;
  private final PreparedStatement opExists;
  private final PreparedStatement upsertSnapshot;
  private final PreparedStatement newestToDelete;
  private final PreparedStatement deleteOps;
  private final PreparedStatement upsertMark;

  private OpsWriter(Connection conn) throws SQLException {
    this.conn = conn;
    begin = conn.prepareStatement("BEGIN IMMEDIATE");
    commit = conn.prepareStatement("COMMIT");
    rollback = conn.prepareStatement("ROLLBACK");
    // OR IGNORE covers both conflicts: a replayed (user, ts) and a reused (user, op_id); an
    // ignored row with an op id is told apart afterwards by opExists.
    insertOp =
        conn.prepareStatement(
            "INSERT OR IGNORE INTO ops (user_id, ts, op_id, fingerprint, payload)"
                + " VALUES (?, ?, ?, ?, ?)");
    opExists = conn.prepareStatement("SELECT 1 FROM ops WHERE user_id = ? AND ts = ?");
    upsertSnapshot =
        conn.prepareStatement(
            "INSERT INTO snapshots (user_id, through, payload) VALUES (?, ?, ?)"
                + " ON CONFLICT (user_id) DO UPDATE SET through = excluded.through,"
                + " payload = excluded.payload WHERE excluded.through > snapshots.through");
    newestToDelete =
        conn.prepareStatement(
            "SELECT ts FROM ops WHERE user_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1 OFFSET ?");
    deleteOps = conn.prepareStatement("DELETE FROM ops WHERE user_id = ? AND ts <= ?");
    upsertMark =
        conn.prepareStatement(
            "INSERT INTO compaction_marks (user_id, compacted_through) VALUES (?, ?)"
                + " ON CONFLICT (user_id) DO UPDATE SET"
                + " compacted_through = max(compacted_through, excluded.compacted_through)");
  }

  /** Opens the writing connection, migrates the schema and prepares the statements. */
  static OpsWriter open(SqliteOptions options) throws SQLException {
    Connection conn = SqliteConnections.openWriter(options);
    try {
      SchemaMigrations.migrate(conn);
      return new OpsWriter(conn);
    } catch (SQLException | RuntimeException e) {
      SqliteConnections.closeQuietly(conn);
      throw e;
    }
  }

  Connection connection() {
    return conn;
  }

  /**
   * Inserts {@code ops} in one transaction (one commit, so one fsync under synchronous=FULL).
   *
   * @return per op, in order: null if stored or already stored (replay), or the {@link
   *     DuplicateOpIdException} refusing it
   * @throws SQLException if the transaction failed; it was rolled back and nothing is stored
   */
  List<RuntimeException> appendAll(List<LoggedOp> ops) throws SQLException {
    begin.execute();
    try {
      for (LoggedOp op : ops) {
        insertOp.setString(1, op.userId());
        insertOp.setLong(2, op.timestamp().packed());
        insertOp.setString(3, op.opId());
        insertOp.setString(4, op.fingerprint());
        insertOp.setString(5, op.payload());
        insertOp.addBatch();
      }
      int[] counts = insertOp.executeBatch();
      if (counts.length != ops.size()) {
        throw new SQLException("batch returned " + counts.length + " counts for " + ops.size());
      }
      List<RuntimeException> outcomes = new ArrayList<>(ops.size());
      for (int i = 0; i < ops.size(); i++) {
        LoggedOp op = ops.get(i);
        boolean refused = counts[i] == 0 && op.opId() != null && !exists(op);
        outcomes.add(refused ? new DuplicateOpIdException(op.userId(), op.opId()) : null);
      }
      commit.execute();
      return outcomes;
    } catch (SQLException | RuntimeException e) {
      insertOp.clearBatch();
      rollbackAfter(e);
      throw e;
    }
  }

  /**
   * Stores {@code snapshot} unless a newer one is stored, deletes the user's ops at or before its
   * {@code through} except the newest {@code keepOps}, and raises the user's compaction mark to the
   * newest deleted op.
   */
  void compact(StoredSnapshot snapshot, int keepOps) throws SQLException {
    begin.execute();
    try {
      upsertSnapshot.setString(1, snapshot.userId());
      upsertSnapshot.setLong(2, snapshot.through().packed());
      upsertSnapshot.setString(3, snapshot.payload());
      upsertSnapshot.executeUpdate();

      newestToDelete.setString(1, snapshot.userId());
      newestToDelete.setLong(2, snapshot.through().packed());
      newestToDelete.setInt(3, keepOps);
      Long cut = null;
      try (ResultSet rs = newestToDelete.executeQuery()) {
        if (rs.next()) {
          cut = rs.getLong(1);
        }
      }
      if (cut != null) {
        deleteOps.setString(1, snapshot.userId());
        deleteOps.setLong(2, cut);
        deleteOps.executeUpdate();
        upsertMark.setString(1, snapshot.userId());
        upsertMark.setLong(2, cut);
        upsertMark.executeUpdate();
      }
      commit.execute();
    } catch (SQLException | RuntimeException e) {
      rollbackAfter(e);
      throw e;
    }
  }

  /** Moves the WAL into the database file and truncates it; best effort, at shutdown. */
  void checkpointQuietly() {
    try (var st = conn.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException ignored) {
      // A later open replays the WAL; nothing is lost.
    }
  }

  private boolean exists(LoggedOp op) throws SQLException {
    opExists.setString(1, op.userId());
    opExists.setLong(2, op.timestamp().packed());
    try (ResultSet rs = opExists.executeQuery()) {
      return rs.next();
    }
  }

  /**
   * Rolls back after a failure. If no transaction was open (BEGIN itself failed) the ROLLBACK error
   * is only recorded on the cause; the caller discards this connection either way.
   */
  private void rollbackAfter(Exception cause) {
    try {
      rollback.execute();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    for (PreparedStatement ps :
        List.of(
            begin,
            commit,
            rollback,
            insertOp,
            opExists,
            upsertSnapshot,
            newestToDelete,
            deleteOps,
            upsertMark)) {
      SqliteConnections.closeQuietly(ps);
    }
    SqliteConnections.closeQuietly(conn);
  }
}
