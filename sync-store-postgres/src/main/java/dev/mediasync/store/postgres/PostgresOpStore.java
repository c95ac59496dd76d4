package dev.mediasync.store.postgres;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.UserLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.flywaydb.core.api.FlywayException;

/**
 * The {@link OpStore} for several nodes: one PostgreSQL database (one schema in it) shared by every
 * node. Passes the contract suite including rule 7 (monotonic timestamps per user).
 *
 * <p><b>Threads.</b> Writes (append, compact) go through a queue to one writer thread per store
 * that owns one JDBC connection and commits appends in groups (see {@link GroupCommitWriter},
 * {@link OpsWriter}); reads (load, since, ping) run on a small pool of reader threads with their
 * own read-only connections, so they neither wait behind commits nor block the caller. Futures
 * complete on those threads: callbacks must be short and must not block.
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
 * recovers by itself when the server is back.
 *
 * <p><b>Timestamps</b> are stored as {@link HybridTimestamp#packed()} in a signed BIGINT, which
 * orders correctly below 2^63 (physical time before the year 6429); larger ones are refused with
 * {@link IllegalArgumentException}. Text with a NUL character, which PostgreSQL cannot store, is
 * refused the same way.
 */
public final class PostgresOpStore implements OpStore {

  private static final long READ_DRAIN_SECONDS = 10;

  private final PostgresOptions options;
  private final GroupCommitWriter writer;
  private final ReadPool reads;
  private final Promise<Void> closed = Promise.promise();

  // Appends hold the read side while they check `closing` and queue; close() takes the write side,
  // so every append either is queued before the stop or sees `closing`.
  private final ReadWriteLock closeLock = new ReentrantReadWriteLock();
  private volatile boolean closing;

  private PostgresOpStore(PostgresOptions options) {
    this.options = options;
    this.writer =
        new GroupCommitWriter(
            () -> OpsWriter.open(options), options.maxBatch(), options.maxQueuedWrites());
    this.reads = new ReadPool(options);
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
    store.writer.start();
    return store;
  }

  public PostgresOptions options() {
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
    if (hasNul(op.userId())
        || hasNul(op.opId())
        || hasNul(op.fingerprint())
        || hasNul(op.payload())) {
      return Future.failedFuture(
          new IllegalArgumentException("PostgreSQL text cannot hold a NUL character"));
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
      return Future.succeededFuture(new CatchUp(List.of(), false));
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
    if (hasNul(snapshot.userId()) || hasNul(snapshot.payload())) {
      return Future.failedFuture(
          new IllegalArgumentException("PostgreSQL text cannot hold a NUL character"));
    }
    Promise<Void> promise = Promise.promise();
    closeLock.readLock().lock();
    try {
      if (closing) {
        return Future.failedFuture(closedError());
      }
      writer.submit(
          w -> {
            w.compact(snapshot, keepOps);
            return null;
          },
          promise);
    } finally {
      closeLock.readLock().unlock();
    }
    return promise.future();
  }

  /** Runs {@code SELECT 1} on a reader connection (opening one if needed). */
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
   * everything queued before, closes every connection, then completes. Calling it again returns the
   * same future.
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

  private static boolean hasNul(String s) {
    return s != null && s.indexOf('\0') >= 0;
  }

  private static StoreUnavailableException closedError() {
    return new StoreUnavailableException("op store closed", null);
  }

  private static IllegalArgumentException outOfRange(HybridTimestamp ts) {
    return new IllegalArgumentException(
        "timestamp " + ts + " is 2^63 or more; this store orders timestamps as signed 64-bit");
  }
}
