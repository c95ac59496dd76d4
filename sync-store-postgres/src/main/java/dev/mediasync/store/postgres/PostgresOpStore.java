package dev.mediasync.store.postgres;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.store.jdbc.GroupCommitWriter;
import dev.mediasync.store.jdbc.JdbcOpStore;
import dev.mediasync.store.jdbc.ReadPool;
import dev.mediasync.store.jdbc.Transaction;
import java.sql.SQLException;
import java.util.Objects;
import org.flywaydb.core.api.FlywayException;

/**
 * The {@link OpStore} for several nodes: one PostgreSQL database (one schema in it) shared by every
 * node. Passes the contract suite including rule 7 (monotonic timestamps per user).
 *
 * <p><b>Threads.</b> Writes (append, compact) go through a queue to one writer thread per store
 * ({@code pg-writer}) that owns one JDBC connection and commits appends in groups (see {@link
 * GroupCommitWriter}, {@link OpsWriter}); reads (load, since, ping) run on a small pool of reader
 * threads ({@code pg-reader-N}) with their own read-only connections, so they neither wait behind
 * commits nor block the caller. Futures complete on those threads: callbacks must be short and must
 * not block. The plumbing is {@link JdbcOpStore}'s; this class migrates the schema and says how
 * PostgreSQL connections are made and retried.
 *
 * <p><b>Durability.</b> An append's future succeeds after its transaction committed (with the
 * server's {@code synchronous_commit}, by default on: the commit is flushed to the server's WAL).
 *
 * <p><b>Order across nodes.</b> Every append transaction row-locks the {@code user_heads} row of
 * its users, so commits of one user are serialized across nodes, and refuses an op whose timestamp
 * is not after the user's newest stored one with {@link StaleTimestampException} (replays of a
 * stored (user, ts) succeed). So one user's log order is its commit order, and a device that caught
 * up to timestamp t can never later miss an op below t.
 *
 * <p><b>Failures.</b> Connections time out after {@link PostgresOptions#connectTimeout()} and every
 * server answer after {@link PostgresOptions#queryTimeout()}; futures then fail with {@link
 * StoreUnavailableException}. Broken connections are replaced on the next request, so the store
 * recovers by itself when the server is back. If the connection breaks during a transaction, the
 * writer runs the same batch once more on a new connection (safe: a replayed (user, ts) succeeds
 * without writing); a read that finds its connection broken is tried once more the same way.
 *
 * <p><b>Timestamps</b> are stored as {@link HybridTimestamp#packed()} in a signed BIGINT, which
 * orders correctly below 2^63 (physical time before the year 6429); larger ones are refused with
 * {@link IllegalArgumentException}. Text with a NUL character, which PostgreSQL cannot store, is
 * refused the same way.
 */
public final class PostgresOpStore extends JdbcOpStore<OpsWriter> {

  private final PostgresOptions options;

  private PostgresOpStore(PostgresOptions options) {
    super(
        new GroupCommitWriter<>(
            "pg-writer",
            null,
            () -> OpsWriter.open(options),
            PgConnections.WRITE_RETRY,
            options.maxBatch(),
            options.maxQueuedWrites()),
        new ReadPool(
            "pg-reader",
            options.readConnections(),
            () -> PgConnections.open(options, true),
            Transaction::managed,
            PgConnections.READ_RETRY));
    this.options = options;
  }

  /**
   * Migrates the schema (Flyway, creating the schema if missing), checks that a connection can be
   * opened, and starts the writer and reader threads. Blocks: call at start-up, not on an event
   * loop.
   *
   * @throws StoreUnavailableException if the server cannot be reached or the migration fails
   */
  public static PostgresOpStore open(PostgresOptions options) {
    Objects.requireNonNull(options, "options");
    try {
      SchemaMigrations.migrate(options);
      OpsWriter.open(options).close(); // fail now, not at the first append, if the login fails
    } catch (FlywayException | SQLException e) {
      throw new StoreUnavailableException(
          "cannot open op store at " + options.describe() + ": " + e.getMessage(), e);
    }
    PostgresOpStore store = new PostgresOpStore(options);
    store.start();
    return store;
  }

  public PostgresOptions options() {
    return options;
  }

  @Override
  protected IllegalArgumentException refuse(LoggedOp op) {
    boolean nul =
        hasNul(op.userId())
            || hasNul(op.opId())
            || hasNul(op.fingerprint())
            || hasNul(op.payload());
    return nul ? nulRefused() : null;
  }

  @Override
  protected IllegalArgumentException refuse(StoredSnapshot snapshot) {
    return hasNul(snapshot.userId()) || hasNul(snapshot.payload()) ? nulRefused() : null;
  }

  private static boolean hasNul(String s) {
    return s != null && s.indexOf('\0') >= 0;
  }

  private static IllegalArgumentException nulRefused() {
    return new IllegalArgumentException("PostgreSQL text cannot hold a NUL character");
  }
}
