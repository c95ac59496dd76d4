package dev.mediasync.store.sqlite;

import dev.mediasync.engine.port.DuplicateOpIdException;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.store.jdbc.BatchWriter;
import dev.mediasync.store.jdbc.Compaction;
import dev.mediasync.store.jdbc.JdbcResources;
import dev.mediasync.store.jdbc.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQLite write transactions ({@code BEGIN IMMEDIATE} ... {@code COMMIT}), on the one writing
 * connection with its prepared statements reused for every batch. Used by the writer thread only.
 */
final class OpsWriter implements BatchWriter {
  /** Commits after which an idle writer checkpoints: a few pages each, so a short pause. */
  static final int IDLE_CHECKPOINT_AFTER_COMMITS = 16;

  /**
   * Ops after which the writer checkpoints even when never idle: bounds the WAL (an op writes ~4
   * pages, so ~2,000 pages, 8 MB), also when a saturated writer commits 1,024 ops at a time.
   */
  static final int MAX_OPS_BETWEEN_CHECKPOINTS = 500;

  // Writer thread only.
  private int commitsSinceCheckpoint;
  private int opsSinceCheckpoint;

  private final Connection conn;
  private final Transaction tx;
  private final PreparedStatement insertOp;
  private final PreparedStatement opExists;
  private final Compaction compaction;

  private OpsWriter(Connection conn, Transaction tx) throws SQLException {
    this.conn = conn;
    this.tx = tx;
    // OR IGNORE covers both conflicts: a replayed (user, ts) and a reused (user, op_id); an
    // ignored row with an op id is told apart afterwards by opExists.
    insertOp =
        conn.prepareStatement(
            "INSERT OR IGNORE INTO ops (user_id, ts, op_id, fingerprint, payload)"
                + " VALUES (?, ?, ?, ?, ?)");
    opExists = conn.prepareStatement("SELECT 1 FROM ops WHERE user_id = ? AND ts = ?");
    compaction = new Compaction(conn, tx);
  }

  /** Opens the writing connection, migrates the schema and prepares the statements. */
  static OpsWriter open(SqliteOptions options) throws SQLException {
    Connection conn = SqliteConnections.openWriter(options);
    Transaction tx = null;
    try {
      // No automatic checkpoints: SQLite would run one inside the commit that crosses 1,000 WAL
      // pages (several times a second under load) while every queued op waits; see idle().
      try (Statement st = conn.createStatement()) {
        st.execute("PRAGMA wal_autocheckpoint = 0");
      }
      SchemaMigrations.migrate(conn);
      tx = Transaction.explicit(conn, "BEGIN IMMEDIATE", "COMMIT");
      return new OpsWriter(conn, tx);
    } catch (SQLException | RuntimeException e) {
      JdbcResources.closeQuietly(tx);
      JdbcResources.closeQuietly(conn);
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
  @Override
  public List<RuntimeException> appendAll(List<LoggedOp> ops) throws SQLException {
    List<RuntimeException> outcomes =
        tx.run(
            () -> {
              try {
                return insertAll(ops);
              } catch (SQLException | RuntimeException e) {
                insertOp.clearBatch();
                throw e;
              }
            });
    commitsSinceCheckpoint++;
    opsSinceCheckpoint += ops.size();
    if (opsSinceCheckpoint >= MAX_OPS_BETWEEN_CHECKPOINTS) {
      checkpoint();
    }
    return outcomes;
  }

  private List<RuntimeException> insertAll(List<LoggedOp> ops) throws SQLException {
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
    return outcomes;
  }

  /**
   * Checkpoints the WAL (copies it into the database file, so the next commit starts it over) when
   * the writer has nothing queued and some commits were made since the last checkpoint.
   *
   * <p>Why here and not SQLite's automatic checkpoint: that one runs inside the commit that crosses
   * 1,000 WAL pages, copying them and fsyncing the database file while every queued op waits; in
   * the latency benchmark it was most of the p99 (4.6 ms at 500 writes/s, 2.9 ms without). Why not
   * on another connection: a checkpoint that races a writer rarely completes, and the WAL is only
   * started over after a complete one, so under steady load it grew without bound. Here nothing
   * races it; a small, frequent checkpoint copies few pages. If the writer is never idle, {@link
   * #appendAll} checkpoints after {@link #MAX_OPS_BETWEEN_CHECKPOINTS} ops anyway, which bounds the
   * WAL.
   */
  @Override
  public void idle() throws SQLException {
    if (commitsSinceCheckpoint >= IDLE_CHECKPOINT_AFTER_COMMITS) {
      checkpoint();
    }
  }

  private void checkpoint() throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(PASSIVE)");
    }
    commitsSinceCheckpoint = 0;
    opsSinceCheckpoint = 0;
  }

  @Override
  public void compact(StoredSnapshot snapshot, int keepOps) throws SQLException {
    compaction.run(snapshot, keepOps);
  }

  /** Moves the WAL into the database file and truncates it; best effort, at shutdown. */
  @Override
  public void finish() {
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

  @Override
  public void close() {
    JdbcResources.closeQuietly(insertOp);
    JdbcResources.closeQuietly(opExists);
    compaction.close();
    tx.close();
    JdbcResources.closeQuietly(conn);
  }
}
