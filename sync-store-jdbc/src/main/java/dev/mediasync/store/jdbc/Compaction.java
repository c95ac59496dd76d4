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
 * snapshot nor the mark ever goes back). Runs inside the caller's transaction, on the writer
 * thread.
 */
public final class Compaction implements AutoCloseable {

  private final PreparedStatement upsertSnapshot;
  private final PreparedStatement newestToDelete;
  private final PreparedStatement deleteOps;
  private final PreparedStatement upsertMark;

  public Compaction(Connection conn) throws SQLException {
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
   * newest deleted op.
   */
  public void apply(StoredSnapshot snapshot, int keepOps) throws SQLException {
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
