package dev.mediasync.store.postgres;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.DuplicateOpIdException;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.store.jdbc.BatchWriter;
import dev.mediasync.store.jdbc.Compaction;
import dev.mediasync.store.jdbc.JdbcResources;
import dev.mediasync.store.jdbc.Transaction;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL write transactions (auto-commit off: the driver begins, {@code commit} ends), on
 * the writer's one connection. Used by the writer thread only.
 *
 * <p>An append batch is one transaction of five statements whatever its size (arrays through {@code
 * unnest}):
 *
 * <ol>
 *   <li>upsert-and-lock the {@code user_heads} row of every user in the batch (in user order, so
 *       two nodes cannot deadlock), reading each user's newest stored timestamp. Another node's
 *       transaction for the same user waits here until this one commits: commits of one user are
 *       serialized across nodes;
 *   <li>look up which of the batch's (user, ts) and (user, op_id) are already stored;
 *   <li>decide each op in order (in Java): stored (user, ts) → replay, succeeds; op id used →
 *       {@link DuplicateOpIdException}; timestamp not after the user's head → {@link
 *       StaleTimestampException}; else accepted and the head moves to it;
 *   <li>insert the accepted ops;
 *   <li>raise the heads; commit.
 * </ol>
 */
final class OpsWriter implements BatchWriter {

  private record UserTs(String userId, long ts) {}

  private record UserOpId(String userId, String opId) {}

  private final Connection conn;
  private final Transaction tx;
  private final PreparedStatement lockHeads;
  private final PreparedStatement existing;
  private final PreparedStatement insertOps;
  private final PreparedStatement raiseHeads;
  private final Compaction compaction;

  private OpsWriter(Connection conn) throws SQLException {
    this.conn = conn;
    this.tx = Transaction.managed(conn);
    // DO UPDATE (a no-op) rather than DO NOTHING: it row-locks an existing head and returns it.
    lockHeads =
        conn.prepareStatement(
            "INSERT INTO user_heads (user_id, max_ts)"
                + " SELECT u, -1 FROM (SELECT DISTINCT u FROM unnest(?::text[]) AS t(u)"
                + " ORDER BY u) s"
                + " ON CONFLICT (user_id) DO UPDATE SET max_ts = user_heads.max_ts"
                + " RETURNING user_id, max_ts");
    existing =
        conn.prepareStatement(
            "SELECT o.user_id, o.ts, o.op_id, o.payload FROM ops o"
                + " JOIN unnest(?::text[], ?::bigint[]) AS q(u, t) ON o.user_id = q.u AND o.ts = q.t"
                + " UNION"
                + " SELECT o.user_id, o.ts, o.op_id, o.payload FROM ops o"
                + " JOIN unnest(?::text[], ?::text[]) AS q(u, id)"
                + " ON o.user_id = q.u AND o.op_id = q.id");
    insertOps =
        conn.prepareStatement(
            "INSERT INTO ops (user_id, ts, op_id, fingerprint, payload)"
                + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])");
    raiseHeads =
        conn.prepareStatement(
            "UPDATE user_heads h SET max_ts = q.t FROM unnest(?::text[], ?::bigint[]) AS q(u, t)"
                + " WHERE h.user_id = q.u AND h.max_ts < q.t");
    compaction = new Compaction(conn, tx);
  }

  static OpsWriter open(PostgresOptions options) throws SQLException {
    Connection conn = PgConnections.open(options, false);
    try {
      return new OpsWriter(conn);
    } catch (SQLException | RuntimeException e) {
      JdbcResources.closeQuietly(conn);
      throw e;
    }
  }

  /**
   * Stores {@code ops} in one transaction.
   *
   * @return per op, in order: null if stored or already stored (replay), or the exception refusing
   *     it ({@link DuplicateOpIdException}, {@link StaleTimestampException})
   * @throws SQLException if the transaction failed; it was rolled back and nothing is stored
   */
  @Override
  public List<RuntimeException> appendAll(List<LoggedOp> ops) throws SQLException {
    return tx.run(() -> store(ops));
  }

  private List<RuntimeException> store(List<LoggedOp> ops) throws SQLException {
    // 1. Lock the users' heads.
    Map<String, Long> heads = new HashMap<>();
    String[] users = ops.stream().map(LoggedOp::userId).distinct().toArray(String[]::new);
    lockHeads.setArray(1, text(users));
    try (ResultSet rs = lockHeads.executeQuery()) {
      while (rs.next()) {
        heads.put(rs.getString(1), rs.getLong(2));
      }
    }
    if (heads.size() != users.length) {
      throw new SQLException("locked " + heads.size() + " heads for " + users.length + " users");
    }

    // 2. What is stored already. A (user, ts) above the head cannot be stored.
    // (user, ts) -> the stored payload. Timestamps are unique per node, not across nodes: two
    // nodes may give one user's ops the same HLC, so only an identical payload is a replay.
    Map<UserTs, String> storedTs = new HashMap<>();
    Map<UserOpId, Long> storedOpIds = new HashMap<>();
    List<String> tsUsers = new ArrayList<>();
    List<Long> tsValues = new ArrayList<>();
    List<String> idUsers = new ArrayList<>();
    List<String> idValues = new ArrayList<>();
    for (LoggedOp op : ops) {
      if (op.timestamp().packed() <= heads.get(op.userId())) {
        tsUsers.add(op.userId());
        tsValues.add(op.timestamp().packed());
      }
      if (op.opId() != null) {
        idUsers.add(op.userId());
        idValues.add(op.opId());
      }
    }
    if (!tsUsers.isEmpty() || !idUsers.isEmpty()) {
      existing.setArray(1, text(tsUsers.toArray(String[]::new)));
      existing.setArray(2, bigint(tsValues.toArray(Long[]::new)));
      existing.setArray(3, text(idUsers.toArray(String[]::new)));
      existing.setArray(4, text(idValues.toArray(String[]::new)));
      try (ResultSet rs = existing.executeQuery()) {
        while (rs.next()) {
          String user = rs.getString(1);
          long ts = rs.getLong(2);
          storedTs.put(new UserTs(user, ts), rs.getString(4));
          String opId = rs.getString(3);
          if (opId != null) {
            storedOpIds.put(new UserOpId(user, opId), ts);
          }
        }
      }
    }

    // 3. Decide each op in order.
    List<RuntimeException> outcomes = new ArrayList<>(ops.size());
    List<LoggedOp> accepted = new ArrayList<>(ops.size());
    Map<String, Long> newHeads = new LinkedHashMap<>();
    for (LoggedOp op : ops) {
      String user = op.userId();
      long ts = op.timestamp().packed();
      long head = heads.get(user);
      String stored = storedTs.get(new UserTs(user, ts));
      if (stored != null && stored.equals(op.payload())) {
        outcomes.add(null); // replay of a stored op (rule 3)
      } else if (stored != null) {
        // Another node's op holds this (user, ts): refuse, so the engine retries with a later HLC.
        outcomes.add(new StaleTimestampException(user, HybridTimestamp.fromPacked(head)));
      } else if (op.opId() != null && storedOpIds.containsKey(new UserOpId(user, op.opId()))) {
        outcomes.add(new DuplicateOpIdException(user, op.opId()));
      } else if (ts <= head) {
        outcomes.add(new StaleTimestampException(user, HybridTimestamp.fromPacked(head)));
      } else {
        outcomes.add(null);
        accepted.add(op);
        heads.put(user, ts);
        newHeads.put(user, ts);
        storedTs.put(new UserTs(user, ts), op.payload());
        if (op.opId() != null) {
          storedOpIds.put(new UserOpId(user, op.opId()), ts);
        }
      }
    }

    if (!accepted.isEmpty()) {
      // 4. Insert the accepted ops.
      int n = accepted.size();
      String[] u = new String[n];
      Long[] t = new Long[n];
      String[] id = new String[n];
      String[] fp = new String[n];
      String[] payload = new String[n];
      for (int i = 0; i < n; i++) {
        LoggedOp op = accepted.get(i);
        u[i] = op.userId();
        t[i] = op.timestamp().packed();
        id[i] = op.opId();
        fp[i] = op.fingerprint();
        payload[i] = op.payload();
      }
      insertOps.setArray(1, text(u));
      insertOps.setArray(2, bigint(t));
      insertOps.setArray(3, text(id));
      insertOps.setArray(4, text(fp));
      insertOps.setArray(5, text(payload));
      int inserted = insertOps.executeUpdate();
      if (inserted != n) {
        throw new SQLException("inserted " + inserted + " of " + n + " ops");
      }

      // 5. Raise the heads.
      raiseHeads.setArray(1, text(newHeads.keySet().toArray(String[]::new)));
      raiseHeads.setArray(2, bigint(newHeads.values().toArray(Long[]::new)));
      int raised = raiseHeads.executeUpdate();
      if (raised != newHeads.size()) {
        throw new SQLException("raised " + raised + " of " + newHeads.size() + " user heads");
      }
    }
    return outcomes;
  }

  /** See {@link BatchWriter#compact}. The user's head is left alone: it never goes down. */
  @Override
  public void compact(StoredSnapshot snapshot, int keepOps) throws SQLException {
    compaction.run(snapshot, keepOps);
  }

  private Array text(String[] values) throws SQLException {
    return conn.createArrayOf("text", values);
  }

  private Array bigint(Long[] values) throws SQLException {
    return conn.createArrayOf("bigint", values);
  }

  @Override
  public void close() {
    for (PreparedStatement ps : List.of(lockHeads, existing, insertOps, raiseHeads)) {
      JdbcResources.closeQuietly(ps);
    }
    compaction.close();
    tx.close();
    JdbcResources.closeQuietly(conn);
  }
}
