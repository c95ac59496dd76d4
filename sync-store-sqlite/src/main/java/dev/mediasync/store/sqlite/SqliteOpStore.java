package dev.mediasync.store.sqlite;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.store.jdbc.GroupCommitWriter;
import dev.mediasync.store.jdbc.JdbcOpStore;
import dev.mediasync.store.jdbc.ReadPool;
import dev.mediasync.store.jdbc.RetryPolicy;
import dev.mediasync.store.jdbc.Transaction;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The embedded default {@link OpStore}: one SQLite file in WAL mode.
 *
 * <p><b>Threads.</b> Writes (append, compact) go through a queue to one writer thread ({@code
 * sqlite-writer}) that owns the only writing connection and commits appends in groups (see {@link
 * GroupCommitWriter}); reads (load, since, ping) run on a small pool of reader threads ({@code
 * sqlite-reader-N}) with their own connections, so they neither wait behind commits nor block the
 * caller. Futures complete on those threads: callbacks must be short and must not block (hop to
 * your own context for real work). The plumbing is {@link JdbcOpStore}'s; this class opens the file
 * and says how SQLite connections are made.
 *
 * <p><b>Durability.</b> An append's future succeeds after its transaction committed. With {@link
 * SqliteOptions.Synchronous#FULL} (default) the commit fsyncs the WAL, so the op survives power
 * loss; with {@code NORMAL} it survives a process crash only.
 *
 * <p><b>Failures.</b> An SQL error fails every future of its transaction with {@link
 * StoreUnavailableException} and drops the connection; the next batch opens a new one, so the store
 * recovers by itself. Nothing is retried: a local file does not go stale like a network connection.
 *
 * <p><b>Timestamps</b> are stored as {@link HybridTimestamp#packed()} in a signed 64-bit column,
 * which orders correctly for every packed value below 2^63 (physical time before the year 6429).
 * Appends and snapshots with a larger timestamp are refused with {@link IllegalArgumentException}
 * rather than stored out of order.
 */
public final class SqliteOpStore extends JdbcOpStore<OpsWriter> {

  private final SqliteOptions options;

  private SqliteOpStore(SqliteOptions options, OpsWriter first) {
    super(
        new GroupCommitWriter<>(
            "sqlite-writer",
            first,
            () -> OpsWriter.open(options),
            RetryPolicy.NEVER,
            options.maxBatch(),
            options.maxQueuedWrites()),
        new ReadPool(
            "sqlite-reader",
            options.readConnections(),
            () -> SqliteConnections.openReader(options),
            conn -> Transaction.explicit(conn, "BEGIN", "ROLLBACK"),
            RetryPolicy.NEVER));
    this.options = options;
  }

  /**
   * Opens (creating if needed) the database file, migrates its schema and starts the writer and
   * reader threads. Blocks for the file I/O: call at startup, not on an event loop.
   *
   * @throws StoreUnavailableException if the file cannot be opened, switched to WAL or migrated
   */
  public static SqliteOpStore open(SqliteOptions options) {
    Objects.requireNonNull(options, "options");
    try {
      SqliteOpStore store = new SqliteOpStore(options, OpsWriter.open(options));
      store.start();
      return store;
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "cannot open op store at " + options.dbFile() + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@code <dataDir>/sync.db} with {@link SqliteOptions#defaults(Path)}. */
  public static SqliteOpStore open(Path dataDir) {
    return open(SqliteOptions.defaults(dataDir));
  }

  public SqliteOptions options() {
    return options;
  }

  /** The writer connection's value of a pragma, e.g. {@code synchronous}; for tests. */
  Future<String> writerPragma(String name) {
    return onWriter(w -> SqliteConnections.pragma(w.connection(), name));
  }
}
