package dev.mediasync.store.sqlite;

import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredNotification;
import dev.mediasync.store.jdbc.JdbcResources;
import dev.mediasync.store.jdbc.Transaction;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The durable {@link NotificationStore}: tables {@code notifications} and {@code
 * notification_reads} (schema migration 2) in the op store's database file, on a connection and a
 * thread of its own ({@code sqlite-notifications}). Notifications are rare next to ops, so there is
 * no batching: each call is one short transaction; the two writers share the file through SQLite's
 * lock and busy timeout.
 *
 * <p>Thread-safe: every call runs on the one thread, which owns the connection.
 */
public final class SqliteNotificationStore implements NotificationStore {

  private final Connection conn;
  private final Transaction tx;
  // Prepared once: a device's connect asks for its unread notifications, and preparing the query
  // each time was 40% of this thread's work per connect. Used on the store's thread only.
  private final PreparedStatement insert;
  private final PreparedStatement trim;
  private final PreparedStatement dropOrphanReads;
  private final PreparedStatement selectUnread;
  private final PreparedStatement selectLive;
  private final PreparedStatement markRead;
  private final ExecutorService thread;
  private volatile boolean closed;

  private SqliteNotificationStore(Connection conn, Transaction tx) throws SQLException {
    this.conn = conn;
    this.tx = tx;
    insert =
        conn.prepareStatement(
            "INSERT INTO notifications (id, user_id, kind, title, body, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    trim =
        conn.prepareStatement(
            "DELETE FROM notifications WHERE user_id = ? AND (expires_at <= ? OR rowid NOT IN"
                + " (SELECT rowid FROM notifications WHERE user_id = ? ORDER BY rowid DESC"
                + " LIMIT ?))");
    dropOrphanReads =
        conn.prepareStatement(
            "DELETE FROM notification_reads WHERE user_id = ? AND notification_id"
                + " NOT IN (SELECT id FROM notifications WHERE user_id = ?)");
    selectUnread =
        conn.prepareStatement(
            "SELECT id, user_id, kind, title, body, created_at, expires_at FROM notifications n"
                + " WHERE user_id = ? AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM"
                + " notification_reads r WHERE r.notification_id = n.id AND r.device_id = ?)"
                + " ORDER BY rowid");
    selectLive =
        conn.prepareStatement(
            "SELECT id, user_id, kind, title, body, created_at, expires_at FROM notifications"
                + " WHERE user_id = ? AND expires_at > ? ORDER BY rowid");
    markRead =
        conn.prepareStatement(
            "INSERT OR IGNORE INTO notification_reads (notification_id, device_id, user_id)"
                + " SELECT id, ?, user_id FROM notifications WHERE id = ? AND user_id = ?");
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sqlite-notifications");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens the store on {@code options}' file, migrating the schema if needed. Blocks: call at
   * start-up.
   */
  public static SqliteNotificationStore open(SqliteOptions options) {
    try {
      Connection conn = SqliteConnections.openWriter(options);
      try {
        SchemaMigrations.migrate(conn);
        return new SqliteNotificationStore(
            conn, Transaction.explicit(conn, "BEGIN IMMEDIATE", "COMMIT"));
      } catch (SQLException | RuntimeException e) {
        JdbcResources.closeQuietly(conn);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "cannot open notification store at " + options.dbFile() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Future<Void> add(StoredNotification n, int maxPerUser) {
    return run(
        () -> {
          tx.run(
              () -> {
                insert.setString(1, n.id());
                insert.setString(2, n.userId());
                insert.setString(3, n.kind());
                insert.setString(4, n.title());
                insert.setString(5, n.bodyJson());
                insert.setLong(6, n.createdAt().toEpochMilli());
                insert.setLong(7, n.expiresAt().toEpochMilli());
                insert.executeUpdate();
                trim.setString(1, n.userId());
                trim.setLong(2, n.createdAt().toEpochMilli());
                trim.setString(3, n.userId());
                trim.setInt(4, Math.max(1, maxPerUser));
                trim.executeUpdate();
                dropOrphanReads.setString(1, n.userId());
                dropOrphanReads.setString(2, n.userId());
                dropOrphanReads.executeUpdate();
                return null;
              });
          return null;
        });
  }

  @Override
  public Future<List<StoredNotification>> unread(String userId, String deviceId, Instant now) {
    return run(() -> query(selectUnread, userId, now.toEpochMilli(), deviceId));
  }

  @Override
  public Future<List<StoredNotification>> list(String userId, Instant now) {
    return run(() -> query(selectLive, userId, now.toEpochMilli(), null));
  }

  @Override
  public Future<Void> markRead(String userId, String deviceId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return run(
        () -> {
          tx.run(
              () -> {
                try {
                  for (String id : ids) {
                    markRead.setString(1, deviceId);
                    markRead.setString(2, id);
                    markRead.setString(3, userId);
                    markRead.addBatch();
                  }
                  markRead.executeBatch();
                } catch (SQLException | RuntimeException e) {
                  markRead.clearBatch(); // the statement is reused: no rows left over for next time
                  throw e;
                }
                return null;
              });
          return null;
        });
  }

  @Override
  public Future<Void> ping() {
    return run(
        () -> {
          try (Statement st = conn.createStatement()) {
            st.execute("SELECT 1");
          }
          return null;
        });
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Promise<Void> done = Promise.promise();
    try {
      thread.execute(
          () -> {
            for (PreparedStatement st :
                List.of(insert, trim, dropOrphanReads, selectUnread, selectLive, markRead)) {
              JdbcResources.closeQuietly(st);
            }
            tx.close();
            JdbcResources.closeQuietly(conn);
            done.complete();
          });
    } catch (RejectedExecutionException e) {
      done.complete();
    }
    thread.shutdown();
    return done.future();
  }

  private static List<StoredNotification> query(
      PreparedStatement q, String userId, long now, String deviceId) throws SQLException {
    q.setString(1, userId);
    q.setLong(2, now);
    if (deviceId != null) {
      q.setString(3, deviceId);
    }
    List<StoredNotification> out = new ArrayList<>();
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.add(
            new StoredNotification(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)),
                Instant.ofEpochMilli(rs.getLong(7))));
      }
    }
    return out;
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> Future<T> run(SqlWork<T> work) {
    if (closed) {
      return Future.failedFuture(new StoreUnavailableException("notification store closed", null));
    }
    Promise<T> p = Promise.promise();
    try {
      thread.execute(
          () -> {
            try {
              p.complete(work.run());
            } catch (SQLException | RuntimeException e) {
              p.fail(new StoreUnavailableException("notification store: " + e.getMessage(), e));
            }
          });
    } catch (RejectedExecutionException e) {
      p.fail(new StoreUnavailableException("notification store closed", e));
    }
    return p.future();
  }
}
