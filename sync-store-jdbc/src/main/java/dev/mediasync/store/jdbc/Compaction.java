package dev.mediasync.store.jdbc;

import dev.mediasync.engine.port.StoredSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The compaction statements, prepared once on the writing connection. The SQL is the same for
 * SQLite and PostgreSQL (both tables keyed by user, upserts guarded by a WHERE so neither the
 * snapshot nor the mark ever goes back). Each compaction is one transaction of the writer's {@link
 * Transaction}. Used by the writer thread only.
 */
public final class Compaction implements AutoCloseable {

  private final Transaction tx;
  private final PreparedStatement upsertSnapshot;
  private final PreparedStatement newestToDelete;
  private final PreparedStatement deleteOps;
  private final PreparedStatement upsertMark;

  /** Prepares the statements on {@code conn}; {@code tx} brackets each run on it. */
  public Compaction(Connection conn, Transaction tx) throws SQLException {
    this.tx = tx;
    upsertSnapshot =
        conn.prepareStatement(
            "INSERT INTO snapshots (user_id, through, payload) VALUES (?, ?, ?)"
                + " ON CONFLICT (user_id) DO UPDATE SET through = excluded.through,"
                + " payload = excluded.payload WHERE snapshots.through < excluded.through");
    newestToDelete =
        conn.prepareStatement(
            "SELECT ts FROM ops WHERE user_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1 OFFSET ?");
    deleteOps = conn.prepareStatement("DELETE FROM ops WHERE user_id = ? AND ts <= ?");
    upsertMark =
        conn.prepareStatement(
            "INSERT INTO compaction_marks (user_id, compacted_through) VALUES (?, ?)"
                + " ON CONFLICT (user_id) DO UPDATE SET compacted_through ="
                + " excluded.compacted_through"
                + " WHERE compaction_marks.compacted_through < excluded.compacted_through");
  }

  /**
   * Stores {@code snapshot} unless a newer one is stored, deletes the user's ops at or before its
   * {@code through} except the newest {@code keepOps}, and raises the user's compaction mark to the
   * newest deleted op; all in one transaction.
   *
   * @throws SQLException if the transaction failed; it was rolled back
   */
  public void run(StoredSnapshot snapshot, int keepOps) throws SQLException {
    tx.run(
        () -> {
          apply(snapshot, keepOps);
          return null;
        });
  }

  private void apply(StoredSnapshot snapshot, int keepOps) throws SQLException {
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
  }

  @Override
  public void close() {
    for (PreparedStatement ps : List.of(upsertSnapshot, newestToDelete, deleteOps, upsertMark)) {
      JdbcResources.closeQuietly(ps);
    }
  }
}
