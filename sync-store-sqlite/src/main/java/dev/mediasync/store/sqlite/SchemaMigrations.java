package dev.mediasync.store.sqlite;

import dev.mediasync.store.jdbc.Transaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates and upgrades the schema. The version lives in {@code PRAGMA user_version}; migration
 * {@code n} (1-based) runs once, in one transaction together with setting the version to {@code n}.
 * Opening an already migrated file changes nothing.
 */
final class SchemaMigrations {

  /**
   * Migration n is {@code MIGRATIONS.get(n - 1)}. Append only; never edit a released one.
   *
   * <p>{@code ts} holds {@link dev.mediasync.core.HybridTimestamp#packed()} as SQLite's signed
   * 64-bit integer. The packed form is unsigned, but every timestamp before the year 6429 (48-bit
   * millis below 2^47) is below 2^63, where signed and unsigned order agree; the store refuses
   * larger ones rather than misorder them.
   */
  static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              """
              CREATE TABLE ops (
                user_id     TEXT    NOT NULL,
                ts          INTEGER NOT NULL,
                op_id       TEXT,
                fingerprint TEXT,
                payload     TEXT    NOT NULL,
                PRIMARY KEY (user_id, ts)
              ) WITHOUT ROWID""",
              "CREATE UNIQUE INDEX ops_user_op_id ON ops (user_id, op_id) WHERE op_id IS NOT NULL",
              """
              CREATE TABLE snapshots (
                user_id TEXT    NOT NULL PRIMARY KEY,
                through INTEGER NOT NULL,
                payload TEXT    NOT NULL
              )""",
              """
              CREATE TABLE compaction_marks (
                user_id           TEXT    NOT NULL PRIMARY KEY,
                compacted_through INTEGER NOT NULL
              ) WITHOUT ROWID"""),
          // 2: service notifications (SqliteNotificationStore); rowid is the insertion order.
          List.of(
              """
              CREATE TABLE notifications (
                id         TEXT    NOT NULL UNIQUE,
                user_id    TEXT    NOT NULL,
                kind       TEXT    NOT NULL,
                title      TEXT    NOT NULL,
                body       TEXT,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
              )""",
              "CREATE INDEX notifications_user ON notifications (user_id)",
              """
              CREATE TABLE notification_reads (
                notification_id TEXT NOT NULL,
                device_id       TEXT NOT NULL,
                user_id         TEXT NOT NULL,
                PRIMARY KEY (notification_id, device_id)
              ) WITHOUT ROWID""",
              "CREATE INDEX notification_reads_user ON notification_reads (user_id)"));

  private SchemaMigrations() {}

  /** The schema version this code writes. */
  static int latestVersion() {
    return MIGRATIONS.size();
  }

  /** Brings the database up to {@link #latestVersion()}; refuses a newer file. */
  static void migrate(Connection conn) throws SQLException {
    try (Transaction tx = Transaction.explicit(conn, "BEGIN IMMEDIATE", "COMMIT");
        Statement st = conn.createStatement()) {
      tx.run(
          () -> {
            int version = Integer.parseInt(SqliteConnections.pragma(conn, "user_version"));
            if (version > latestVersion()) {
              throw new SQLException(
                  "database schema version "
                      + version
                      + " is newer than this build supports ("
                      + latestVersion()
                      + ")");
            }
            for (int next = version + 1; next <= latestVersion(); next++) {
              for (String sql : MIGRATIONS.get(next - 1)) {
                st.execute(sql);
              }
              st.execute("PRAGMA user_version = " + next);
            }
            return null;
          });
    }
  }
}
