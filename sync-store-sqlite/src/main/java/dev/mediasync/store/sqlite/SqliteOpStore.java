package dev.mediasync.store.sqlite;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.UserLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded default {@link OpStore}: one SQLite file in WAL mode.
 *
 * <p><b>Threads.</b> Writes (append, compact) go through a queue to one writer thread that owns the
 * only writing connection and commits appends in groups (see {@link GroupCommitWriter}); reads
 * (load, since, ping) run on a small pool of reader threads with their own connections, so they
 * neither wait behind commits nor block the caller. Futures complete on those threads: callbacks
 * must be short and must not block (hop to your own context for real work).
 *
 * <p><b>Durability.</b> An append's future succeeds after its transaction committed. With {@link
 * SqliteOptions.Synchronous#FULL} (default) the commit fsyncs the WAL, so the op survives power
 * loss; with {@code NORMAL} it survives a process crash only.
 *
 * <p><b>Timestamps</b> are stored as {@link HybridTimestamp#packed()} in a signed 64-bit column,
 * which orders correctly for every packed value below 2^63 (physical time before the year 6429).
 * Appends and snapshots with a larger timestamp are refused with {@link IllegalArgumentException}
 * rather than stored out of order.
 */
public final class SqliteOpStore implements OpStore {

  private static final long READ_DRAIN_SECONDS = 10;

  private final SqliteOptions options;
  private final GroupCommitWriter writer;
  private final ReadPool reads;
  private final Promise<Void> closed = Promise.promise();

  // Appends hold the read side while they check `closing` and queue; close() takes the write side,
  // so every append either is queued before the stop or sees `closing`.
  private final ReadWriteLock closeLock = new ReentrantReadWriteLock();
  private volatile boolean closing;

  private SqliteOpStore(SqliteOptions options, OpsWriter first) {
    this.options = options;
    this.writer =
        new GroupCommitWriter(
            first, () -> OpsWriter.open(options), options.maxBatch(), options.maxQueuedWrites());
    this.reads = new ReadPool(options);
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
      Path dir = options.dbFile().toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      SqliteOpStore store = new SqliteOpStore(options, OpsWriter.open(options));
      store.writer.start();
      return store;
    } catch (IOException | SQLException e) {
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

  /** Group-commit counters, e.g. for metrics. */
  public WriterStats stats() {
    return writer.stats();
  }

  @Override
  public Future<Void> append(LoggedOp op) {
    Objects.requireNonNull(op, "op");
    if (op.timestamp().packed() < 0) {
      return Future.failedFuture(outOfRange(op.timestamp()));
    }
    Promise<Void> promise = Promise.promise();
    closeLock.readLock().lock();
    try {
      if (closing) {
        return Future.failedFuture(closedError());
      }
      if (!writer.append(op, promise)) {
        return Future.failedFuture(
            new StoreUnavailableException(
                "op store write queue full (" + options.maxQueuedWrites() + ")", null));
      }
    } finally {
      closeLock.readLock().unlock();
    }
    return promise.future();
  }

  @Override
  public Future<UserLog> load(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (closing) {
      return Future.failedFuture(closedError());
    }
    return reads.submit(r -> r.load(userId));
  }

  @Override
  public Future<CatchUp> since(String userId, HybridTimestamp since, int limit) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(since, "since");
    if (closing) {
      return Future.failedFuture(closedError());
    }
    if (since.packed() < 0) {
      // After every storable timestamp: nothing can follow it, and nothing after it was compacted.
      return Future.succeededFuture(new CatchUp(java.util.List.of(), false));
    }
    return reads.submit(r -> r.since(userId, since, limit));
  }

  @Override
  public Future<Void> compact(StoredSnapshot snapshot, int keepOps) {
    Objects.requireNonNull(snapshot, "snapshot");
    if (keepOps < 0) {
      return Future.failedFuture(new IllegalArgumentException("keepOps < 0: " + keepOps));
    }
    if (snapshot.through().packed() < 0) {
      return Future.failedFuture(outOfRange(snapshot.through()));
    }
    return onWriter(
        w -> {
          w.compact(snapshot, keepOps);
          return null;
        });
  }

  @Override
  public Future<Void> ping() {
    if (closing) {
      return Future.failedFuture(closedError());
    }
    return reads.submit(
        r -> {
          r.ping();
          return null;
        });
  }

  /**
   * Stops taking writes (later appends fail with {@link StoreUnavailableException}), commits
   * everything queued before, checkpoints the WAL, closes every connection, then completes. Calling
   * it again returns the same future.
   */
  @Override
  public Future<Void> close() {
    closeLock.writeLock().lock();
    try {
      if (!closing) {
        closing = true;
        writer.stop(() -> reads.close(READ_DRAIN_SECONDS, TimeUnit.SECONDS), closed);
      }
    } finally {
      closeLock.writeLock().unlock();
    }
    return closed.future();
  }

  /** The writer connection's value of a pragma, e.g. {@code synchronous}; for tests. */
  Future<String> writerPragma(String name) {
    return onWriter(w -> SqliteConnections.pragma(w.connection(), name));
  }

  private <T> Future<T> onWriter(GroupCommitWriter.WriteWork<T> work) {
    Promise<T> promise = Promise.promise();
    closeLock.readLock().lock();
    try {
      if (closing) {
        return Future.failedFuture(closedError());
      }
      writer.submit(work, promise);
    } finally {
      closeLock.readLock().unlock();
    }
    return promise.future();
  }

  private static StoreUnavailableException closedError() {
    return new StoreUnavailableException("op store closed", null);
  }

  private static IllegalArgumentException outOfRange(HybridTimestamp ts) {
    return new IllegalArgumentException(
        "timestamp " + ts + " is 2^63 or more; this store orders timestamps as signed 64-bit");
  }
}
